import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { ListPageQuery, sendPage } from '../common/pagination/list-page';
import { PAGE_HEADERS } from '../ops/api-schemas';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { DirectoryEntryDto, DirectoryQueryDto } from './dto/directory.dto';
import { ChangePasswordDto, SetRolesDto, UpdateUserV1Dto } from './dto/user-input.dto';
import { UserDto } from './dto/user.dto';
import { ROLE_ADMIN } from './user.entity';
import { UserDirectoryService } from './user-directory.service';
import { UsersService } from './users.service';

/** v1 `/api/v1/users` (see /api/docs), plus password and roles endpoints. */
@ApiTags('v1 users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly directory: UserDirectoryService,
  ) {}

  @Get()
  @Roles(ROLE_ADMIN)
  @ApiOperation({ summary: 'All users (admin only); by id, paged' })
  @ApiOkResponse({ type: [UserDto], headers: PAGE_HEADERS })
  async list(
    @Query() query: ListPageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserDto[]> {
    return sendPage(request, reply, await this.users.list(query), UserDto.from);
  }

  @Get('directory')
  @ApiOperation({
    summary: 'Find people by username prefix (any signed-in user); 429 over 60 searches a minute',
  })
  @ApiOkResponse({ type: DirectoryEntryDto, isArray: true })
  directorySearch(
    @CurrentUser() caller: Principal,
    @Query() query: DirectoryQueryDto,
  ): Promise<DirectoryEntryDto[]> {
    return this.directory.search(caller, query);
  }

  @Get('username/:username')
  @ApiOperation({ summary: 'A user by username (self or admin)' })
  @ApiOkResponse({ type: UserDto })
  async byUsername(@CurrentUser() caller: Principal, @Param('username') username: string): Promise<UserDto> {
    return UserDto.from(await this.users.getVisibleByUsername(caller, username));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A user by id (self or admin)' })
  @ApiOkResponse({ type: UserDto })
  async get(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<UserDto> {
    return UserDto.from(await this.users.getVisible(caller, id));
  }

  @Put(':id')
  @ApiOkResponse({ type: UserDto })
  @ApiOperation({ summary: 'Update username/email (self or admin); roles never change here' })
  async update(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateUserV1Dto,
  ): Promise<UserDto> {
    return UserDto.from((await this.users.update(caller, id, dto)).user);
  }

  @Put(':id/password')
  @ApiOkResponse({
    type: UserDto,
    description: 'The user; `token` is a fresh token when the caller changed its own password',
  })
  @ApiOperation({
    summary: 'Change a password (self with currentPassword, or admin reset); older tokens stop working',
  })
  async changePassword(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: ChangePasswordDto,
  ): Promise<UserDto> {
    const user = await this.users.changePassword(caller, id, dto.currentPassword, dto.newPassword);
    return { ...UserDto.from(user), ...(caller.id === id ? { token: this.auth.issueToken(user) } : {}) };
  }

  @Put(':id/roles')
  @ApiOkResponse({ type: UserDto })
  @Roles(ROLE_ADMIN)
  @ApiOperation({ summary: 'Set roles (admin only)' })
  async setRoles(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: SetRolesDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.setRoles(caller, id, dto.roles));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @Roles(ROLE_ADMIN)
  @ApiOperation({ summary: 'Delete a user (admin only)' })
  async remove(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.users.delete(caller, id, false);
  }
}
