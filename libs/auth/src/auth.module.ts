import { AppConfig } from '@app/config';
import { SessionsModule } from '@app/sessions';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessTokens } from './access-tokens';
import { AuthController } from './auth.controller';
import { AuthRateLimits } from './auth-rate-limits';
import { AuthService } from './auth.service';
import { AuthCookies } from './auth-cookies';
import { AuthGuard } from './guards/auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { VerifiedAccessTokens } from './guards/verified-tokens';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret, // a KeyObject: see JwtConfig
        signOptions: {
          algorithm: 'HS256',
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
          expiresIn: config.jwt.accessTokenTtlSeconds,
        },
        verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer, audience: config.jwt.audience },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AccessTokens,
    AuthRateLimits,
    AuthService,
    AuthCookies,
    JwtStrategy,
    VerifiedAccessTokens,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
