import { createSecretKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { UnauthenticatedError } from './auth.errors';
import { TokenIssuer } from './token-issuer';
import { AuthSettings, TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const settings: AuthSettings = {
  jwtSecret: SECRET,
  issuer: 'shiming',
  audience: 'shiming-api',
  developmentSecret: false,
};
const hmacKey = createSecretKey(Buffer.from(SECRET));

function jwt(claims: Record<string, unknown> = {}) {
  return new SignJWT({ roles: ['user'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('account-1')
    .setIssuer('shiming')
    .setAudience('shiming-api')
    .setIssuedAt()
    .setExpirationTime('5m');
}

async function refusal(verifier: TokenVerifier, token: string): Promise<UnauthenticatedError> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

describe('TokenVerifier', () => {
  const verifier = new TokenVerifier(settings);

  it('returns the subject and the known roles of a valid token', async () => {
    const token = await jwt({ roles: ['reviewer', 'supervisor', 'admin', 'reviewer'] }).sign(
      hmacKey,
    );
    expect(await verifier.verify(token)).toEqual({
      sub: 'account-1',
      roles: ['reviewer', 'supervisor'],
    });
  });

  it('accepts a token issued by TokenIssuer', async () => {
    const { token, expiresAt } = await new TokenIssuer(settings).issue({
      sub: 'svc-payments',
      roles: ['service'],
      ttlSeconds: 60,
    });
    expect(await verifier.verify(token)).toEqual({ sub: 'svc-payments', roles: ['service'] });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 55_000);
  });

  it('refuses an expired token, saying so', async () => {
    const token = await jwt()
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(hmacKey);
    expect((await refusal(verifier, token)).detail).toBe('The token has expired.');
  });

  it('refuses a token without an expiry or a subject', async () => {
    const noExp = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .sign(hmacKey);
    await refusal(verifier, noExp);
    const noSub = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setExpirationTime('5m')
      .sign(hmacKey);
    await refusal(verifier, noSub);
  });

  it('refuses another issuer, another audience, another secret', async () => {
    await refusal(verifier, await jwt().setIssuer('evil').sign(hmacKey));
    await refusal(verifier, await jwt().setAudience('other-api').sign(hmacKey));
    await refusal(verifier, await jwt().sign(createSecretKey(Buffer.from('x'.repeat(32)))));
  });

  it('refuses unsigned tokens, garbage and roles that are not a list', async () => {
    const unsecured = new UnsecuredJWT({ roles: ['supervisor'] })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setExpirationTime('5m')
      .encode();
    await refusal(verifier, unsecured);
    await refusal(verifier, 'not.a.token');
    const detail = (await refusal(verifier, await jwt({ roles: 'supervisor' }).sign(hmacKey)))
      .detail;
    expect(detail).toMatch(/roles/);
  });

  describe('with a public key', () => {
    const keyPair = (type: 'rsa' | 'ec') =>
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

    it.each([
      ['rsa', 'RS256'],
      ['ec', 'ES256'],
    ] as const)('verifies %s tokens as %s', async (type, alg) => {
      const { publicKey, privateKey } = keyPair(type);
      const withKey = new TokenVerifier({
        ...settings,
        jwtSecret: undefined,
        jwtPublicKey: pem(publicKey),
      });
      const token = await jwt().setProtectedHeader({ alg }).sign(privateKey);
      expect(await withKey.verify(token)).toEqual({ sub: 'account-1', roles: ['user'] });
      // Only the algorithm the key is for: no HS256 without a secret.
      await refusal(withKey, await jwt().sign(hmacKey));
    });

    it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
      const { publicKey } = keyPair('rsa');
      const withKey = new TokenVerifier({ ...settings, jwtPublicKey: pem(publicKey) });
      const forged = await jwt().sign(createSecretKey(Buffer.from(pem(publicKey))));
      await refusal(withKey, forged);
      // The configured secret still works beside the key.
      expect((await withKey.verify(await jwt().sign(hmacKey))).sub).toBe('account-1');
    });
  });
});

describe('TokenIssuer', () => {
  it('refuses to sign without a secret, and refuses bad requests', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const withoutSecret = new TokenIssuer({ ...settings, jwtSecret: undefined, jwtPublicKey: pem });
    expect(withoutSecret.canIssue).toBe(false);
    await expect(withoutSecret.issue({ sub: 'a', roles: ['user'] })).rejects.toThrow(
      /AUTH_JWT_SECRET/,
    );
    const issuer = new TokenIssuer(settings);
    await expect(issuer.issue({ sub: 'a', roles: ['user'], ttlSeconds: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(issuer.issue({ sub: '', roles: ['user'] })).rejects.toThrow(RangeError);
    await expect(issuer.issue({ sub: 'a', roles: ['root' as never] })).rejects.toThrow(/root/);
  });
});
