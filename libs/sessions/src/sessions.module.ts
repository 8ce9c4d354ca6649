import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from './entities/session.entity';
import { SessionCache } from './session-cache';
import { SessionSecrets } from './session-secrets';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  providers: [SessionsRepository, SessionCache, SessionSecrets, SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
