import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { AppConfig, jwtAlgorithmOf } from '../config/config';
import { UnauthenticatedError } from './auth.errors';
import { isRole, Principal } from './principal';

export type AuthSettings = AppConfig['auth'];

// Tolerates small clock differences between us and an outside issuer.
const CLOCK_TOLERANCE_SECONDS = 5;
const MAX_SUBJECT_LENGTH = 255;

/**
 * Verifies bearer tokens: HS256 under AUTH_JWT_SECRET and/or RS256/ES256 under
 * AUTH_JWT_PUBLIC_KEY, with our issuer and audience, a subject and an expiry. Each
 * algorithm is tied to its own key, so a token cannot pick the key it is checked with.
 * Expiry is wall-clock time: the sandbox's test clock does not age tokens.
 */
export class TokenVerifier {
  private readonly keys = new Map<string, KeyObject>();

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
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, {
        algorithms: [...this.keys.keys()],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new UnauthenticatedError('The token has expired.');
      }
      if (error instanceof errors.JOSEError)
        throw new UnauthenticatedError('The token is invalid.');
      throw error;
    }
    const { sub, roles } = payload as { sub?: unknown; roles?: unknown };
    if (typeof sub !== 'string' || !sub || sub.length > MAX_SUBJECT_LENGTH) {
      throw new UnauthenticatedError('The token has no usable subject.');
    }
    if (roles !== undefined && !Array.isArray(roles)) {
      throw new UnauthenticatedError('The token’s roles are not a list.');
    }
    // Roles we do not know grant nothing; they are dropped rather than refused.
    return { sub, roles: [...new Set((roles ?? []).filter(isRole))] };
  }

  private readonly keyFor: JWTVerifyGetKey = (header) => {
    const key = this.keys.get(header.alg ?? '');
    if (!key) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter not allowed');
    return key;
  };
}
