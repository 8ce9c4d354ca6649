import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from './entities/session.entity';
import { SessionCache } from './session-cache';
import { SessionCacheMonitor } from './session-cache.monitor';
import { SessionCleanup } from './session-cleanup';
import { SessionSecrets } from './session-secrets';
import { AdminSessionsController, SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  controllers: [SessionsController, AdminSessionsController],
  providers: [SessionsRepository, SessionCache, SessionCacheMonitor, SessionSecrets, SessionsService, SessionCleanup],
  exports: [SessionsService],
})
export class SessionsModule {}
