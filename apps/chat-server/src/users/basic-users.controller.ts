import { MessageBodySchema } from '../ops/api-schemas';
import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { UpdateUserBasicDto } from './dto/user-input.dto';
import { UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** Basic `/api/users/:id` (OpenAPI tag of the basic surface, /api/docs): same rules as v1, except a user may delete itself. */
@ApiTags('basic users')
@ApiBearerAuth()
@Controller('api/users')
export class BasicUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  @ApiOperation({ summary: 'User details (self or admin)' })
  async get(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<UserDto> {
    return UserDto.from(await this.users.getVisible(caller, id));
  }

  @Put(':id')
  @ApiOkResponse({ type: UserDto })
  @ApiOperation({ summary: 'Update username and/or password (self or admin)' })
  async update(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateUserBasicDto,
  ): Promise<UserDto> {
    const { user, passwordChanged } = await this.users.update(caller, id, dto);
    return {
      ...UserDto.from(user),
      ...(passwordChanged && caller.id === id ? { token: this.auth.issueToken(user) } : {}),
    };
  }

  @Delete(':id')
  @ApiOkResponse({ type: MessageBodySchema })
  @ApiOperation({ summary: 'Delete a user (itself, or an admin anyone)' })
  async remove(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<{ message: string }> {
    await this.users.delete(caller, id, true);
    return { message: 'User deleted successfully.' };
  }
}
