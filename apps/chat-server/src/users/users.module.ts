import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BasicUsersController } from './basic-users.controller';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';
import { PasswordHashQueue } from './password-hash-queue';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { UserBlock } from './user-block.entity';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UserDirectoryService } from './user-directory.service';
import { UserPrivacy } from './user-privacy';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserBlock])],
  controllers: [UsersController, BasicUsersController, BlocksController],
  providers: [
    UsersService,
    UsersRepository,
    UserDirectoryService,
    PasswordHasher,
    PasswordHashQueue,
    PrincipalCache,
    BlocksService,
    UserPrivacy,
  ],
  exports: [UsersService, PasswordHasher, BlocksService, UserPrivacy],
})
export class UsersModule {}
