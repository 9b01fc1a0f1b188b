import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BasicUsersController } from './basic-users.controller';
import { PasswordHashQueue } from './password-hash-queue';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UserDirectoryService } from './user-directory.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [UsersController, BasicUsersController],
  providers: [
    UsersService,
    UsersRepository,
    UserDirectoryService,
    PasswordHasher,
    PasswordHashQueue,
    PrincipalCache,
  ],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
