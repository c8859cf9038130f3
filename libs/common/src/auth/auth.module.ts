import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../config/config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';
import { TokenIssuer } from './token-issuer';
import { TokenVerifier } from './token-verifier';

/**
 * Bearer-token authentication for every route (`@Public()` to opt out) and role
 * checks (`@Roles(...)`), as global guards in that order. Provides TokenVerifier
 * and TokenIssuer everywhere.
 */
@Module({})
export class AuthModule {
  static forRoot(config: Pick<AppConfig, 'auth'>): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
        { provide: TokenIssuer, useValue: new TokenIssuer(config.auth) },
        // APP_GUARD providers run in the order they are listed.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [TokenVerifier, TokenIssuer],
    };
  }
}
