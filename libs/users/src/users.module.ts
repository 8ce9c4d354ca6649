import { SessionsModule } from '@app/sessions';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminSeeder } from './admin-seeder';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password/password-hasher';
import { UserProfileCache } from './user-profile-cache';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), SessionsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, PasswordHasher, AdminSeeder, UserProfileCache],
  exports: [UsersService],
})
export class UsersModule {}
