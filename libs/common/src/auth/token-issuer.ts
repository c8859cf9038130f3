import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { FieldError, ValidationError } from '../errors/validation-error';
import { ROLES, isRole, Role } from './principal';
import type { AuthSettings } from './token-verifier';

export interface IssueTokenRequest {
  sub: string;
  roles: Role[];
  /** Default one hour (or the maximum lifetime, if shorter); at most the maximum lifetime. */
  ttlSeconds?: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

const DEFAULT_TTL_SECONDS = 3600;

/**
 * Signs HS256 tokens that TokenVerifier accepts, for the sandbox's token endpoint
 * and for tests: the same issuer and audience, an issuance time, and a lifetime
 * within AUTH_JWT_MAX_LIFETIME_SECONDS. Needs AUTH_JWT_SECRET (or the development
 * secret): with only a public key configured, tokens come from the outside issuer
 * and this one refuses. A bad request is a 422 `validation_failed`.
 */
export class TokenIssuer {
  private readonly key?: KeyObject;

  constructor(private readonly settings: AuthSettings) {
    if (settings.jwtSecret) this.key = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
  }

  get canIssue(): boolean {
    return this.key !== undefined;
  }

  async issue(request: IssueTokenRequest): Promise<IssuedToken> {
    if (!this.key) throw new Error('TokenIssuer needs AUTH_JWT_SECRET to sign tokens');
    const maxTtl = this.settings.maxLifetimeSeconds;
    const ttlSeconds = request.ttlSeconds ?? Math.min(DEFAULT_TTL_SECONDS, maxTtl);
    const problems: FieldError[] = [];
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxTtl) {
      problems.push({
        field: 'ttlSeconds',
        code: 'out_of_range',
        message: `ttlSeconds must be a whole number from 1 to ${maxTtl}`,
      });
    }
    if (!request.sub || request.sub.length > 255) {
      problems.push({ field: 'sub', code: 'invalid', message: 'sub must be 1–255 characters' });
    }
    const unknown = request.roles.filter((role) => !isRole(role));
    if (unknown.length > 0) {
      problems.push({
        field: 'roles',
        code: 'unknown_role',
        message: `Unknown roles: ${unknown.join(', ')} (known: ${ROLES.join(', ')})`,
      });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const token = await new SignJWT({ roles: [...new Set(request.roles)] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.sub)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
