import { ApiTextResponse, LoginResultSchema } from '../ops/api-schemas';
import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import { Principal } from '../common/principal';
import { LoginV1Dto, RegisterV1Dto } from '../users/dto/user-input.dto';
import { UsersService } from '../users/users.service';
import { AddressLimited, AddressRateLimitGuard } from './address-rate-limit.guard';
import { AuthService, LoginResult } from './auth.service';

/** v1 `/api/v1/auth`: register and login as the OpenAPI document (/api/docs) describes them. */
@ApiTags('v1 auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('register')
  @AddressLimited('register')
  @UseGuards(AddressRateLimitGuard)
  @ApiTextResponse(201, 'User registered successfully!')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Register a user (text body "User registered successfully!")' })
  async register(
    @Body() dto: RegisterV1Dto,
    @Ip() ip: string,
    @CurrentUser() caller?: Principal,
  ): Promise<string> {
    await this.users.register(dto, caller, ip);
    return 'User registered successfully!';
  }

  @Public()
  @Post('login')
  @AddressLimited('login')
  @UseGuards(AddressRateLimitGuard)
  @ApiOkResponse({ type: LoginResultSchema })
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username or email' })
  login(@Body() dto: LoginV1Dto, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(dto.usernameOrEmail, dto.password, ip);
  }
}
