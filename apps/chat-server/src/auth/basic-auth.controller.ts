import { LoginResultSchema } from '../ops/api-schemas';
import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { UserDto } from '../users/dto/user.dto';
import { LoginBasicDto, RegisterBasicDto } from '../users/dto/user-input.dto';
import { UsersService } from '../users/users.service';
import { AddressLimited, AddressRateLimitGuard } from './address-rate-limit.guard';
import { AuthService, LoginResult } from './auth.service';

/** Basic `/api/users/register` and `/api/users/login` (see /api/docs and README "The APIs"). */
@ApiTags('basic users')
@Controller('api/users')
export class BasicAuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('register')
  @AddressLimited('register')
  @UseGuards(AddressRateLimitGuard)
  @ApiCreatedResponse({ type: UserDto })
  @ApiOperation({ summary: 'Register a user; returns the created user' })
  async register(@Body() dto: RegisterBasicDto, @Ip() ip: string): Promise<UserDto> {
    return UserDto.from(await this.users.register(dto, undefined, ip));
  }

  @Public()
  @Post('login')
  @AddressLimited('login')
  @UseGuards(AddressRateLimitGuard)
  @ApiOkResponse({ type: LoginResultSchema })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with a username (body `{username, password}`); same answer as the v1 login',
  })
  login(@Body() dto: LoginBasicDto, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(dto.username, dto.password, ip);
  }
}
