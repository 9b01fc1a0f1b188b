import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AddressRateLimitGuard } from './address-rate-limit.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BasicAuthController } from './basic-auth.controller';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginRateLimiter } from './login-rate-limiter';
import { RolesGuard } from './roles.guard';

/** Global so every feature (and the STOMP CONNECT check) authenticates through the same AuthService. */
@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
        // PEM public/private key (which throws) on every verify and sign; that was ~6 % of the
        // server's CPU in the bench profile (1000 CONNECTs) and the bulk of a REST request's auth.
        secret: createSecretKey(Buffer.from(config.settings.jwt.secret, 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, BasicAuthController],
  providers: [
    AuthService,
    LoginRateLimiter,
    AddressRateLimitGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
