import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppConfig, jwtAlgorithmOf } from '../config/config';
import { UnauthenticatedError } from './auth.errors';
import { isRole, Principal, Role } from './principal';

export type AuthSettings = AppConfig['auth'];

const MAX_SUBJECT_LENGTH = 255;

/** Tokens whose verification is remembered, least recently used forgotten first. */
export const VERIFIED_TOKENS_CACHED = 10_000;

interface Verified {
  principal: Principal;
  /** The token's `exp`, in ms: the verification holds until then. */
  expiresAt: number;
}

/**
 * Verifies bearer tokens: HS256 under AUTH_JWT_SECRET and/or RS256/ES256 under
 * AUTH_JWT_PUBLIC_KEY, with our issuer and audience, a subject, an issuance time
 * and an expiry. Each algorithm is tied to its own key, so a token cannot pick the
 * key it is checked with. A token lives at most `maxLifetimeSeconds` (`exp - iat`),
 * and clocks may differ by `clockSkewSeconds` at most: a token issued, or valid from,
 * further in the future is refused, so that no token, leaked or mis-issued, is good
 * for longer than one lifetime from now. Every refusal is 401 `unauthenticated`.
 * Time is wall-clock time: the sandbox's test clock does not age tokens.
 *
 * A token that verified is remembered until it expires (the last
 * `VERIFIED_TOKENS_CACHED` used): a caller polling with one token pays for the
 * signature once. Refusals are not remembered.
 */
export class TokenVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS_CACHED });

  constructor(private readonly settings: AuthSettings) {
    if (settings.jwtSecret) {
      this.keys.set('HS256', createSecretKey(Buffer.from(settings.jwtSecret, 'utf8')));
    }
    if (settings.jwtPublicKey) {
      const algorithm = jwtAlgorithmOf(settings.jwtPublicKey);
      if (!algorithm) throw new Error('AUTH_JWT_PUBLIC_KEY is not an RSA or EC P-256 public key');
      this.keys.set(algorithm, createPublicKey(settings.jwtPublicKey));
    }
    if (this.keys.size === 0) throw new Error('TokenVerifier needs a JWT secret or public key');
  }

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known.principal;
      this.verified.delete(token);
    }
    const { principal, exp } = await this.check(token);
    this.verified.set(token, { principal, expiresAt: exp * 1000 });
    return principal;
  }

  private async check(token: string): Promise<{ principal: Principal; exp: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, {
        algorithms: [...this.keys.keys()],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.settings.clockSkewSeconds,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new UnauthenticatedError('The token has expired.');
      }
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
        throw new UnauthenticatedError('The token is not valid yet.');
      }
      if (error instanceof errors.JOSEError)
        throw new UnauthenticatedError('The token is invalid.');
      throw error;
    }
    // jose has checked that both are numbers and that the token has not expired.
    const { iat, exp } = payload as { iat: number; exp: number };
    if (iat > Date.now() / 1000 + this.settings.clockSkewSeconds) {
      throw new UnauthenticatedError('The token was issued in the future.');
    }
    if (exp - iat > this.settings.maxLifetimeSeconds) {
      throw new UnauthenticatedError(
        `The token lives longer than ${this.settings.maxLifetimeSeconds} seconds.`,
      );
    }
    // Shared by every request with this token: nothing may change it.
    const principal = Object.freeze({
      sub: subjectOf(payload),
      roles: Object.freeze(rolesOf(payload)) as Role[],
    });
    return { principal, exp };
  }

  private readonly keyFor: JWTVerifyGetKey = (header) => {
    const key = this.keys.get(header.alg ?? '');
    if (!key) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter not allowed');
    return key;
  };
}

// A subject names an account in URLs, SQL parameters and logs: printable, whole text.
function isUsableSubject(sub: string): boolean {
  for (const character of sub) {
    const code = character.codePointAt(0)!;
    // By code point, a surrogate on its own is half of a pair.
    if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

function subjectOf(payload: JWTPayload): string {
  const { sub } = payload as { sub?: unknown };
  if (typeof sub !== 'string' || !sub || sub.length > MAX_SUBJECT_LENGTH || !isUsableSubject(sub)) {
    throw new UnauthenticatedError('The token has no usable subject.');
  }
  return sub;
}

// No claim means no roles. Anything but a list of strings is a malformed token;
// strings that are not our roles grant nothing and are dropped (an outside issuer
// may carry roles of other services).
function rolesOf(payload: JWTPayload): Role[] {
  const { roles } = payload as { roles?: unknown };
  if (roles === undefined) return [];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new UnauthenticatedError('The token’s roles are not a list of strings.');
  }
  return [...new Set(roles.filter(isRole))];
}
