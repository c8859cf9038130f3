import { createSecretKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ValidationError } from '../errors/validation-error';
import { UnauthenticatedError } from './auth.errors';
import { TokenIssuer } from './token-issuer';
import { AuthSettings, TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const settings: AuthSettings = {
  jwtSecret: SECRET,
  issuer: 'shiming',
  audience: 'shiming-api',
  developmentSecret: false,
  maxLifetimeSeconds: 24 * 3600,
  clockSkewSeconds: 60,
};
const now = () => Math.floor(Date.now() / 1000);
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
      .setIssuedAt(now() - 600)
      .setExpirationTime(now() - 120)
      .sign(hmacKey);
    expect((await refusal(verifier, token)).detail).toBe('The token has expired.');
  });

  it('remembers a verified token until it expires, and refuses it after', async () => {
    const remembering = new TokenVerifier(settings);
    const token = await jwt()
      .setExpirationTime(now() + 120)
      .sign(hmacKey);
    const first = await remembering.verify(token);
    const check = jest.spyOn(remembering as unknown as { check: () => unknown }, 'check');
    expect(await remembering.verify(token)).toBe(first);
    expect(check).not.toHaveBeenCalled();
    // Past its expiry (and the clock skew) the token is checked again, and refused.
    jest.useFakeTimers({ now: Date.now() + 200_000, doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      expect((await refusal(remembering, token)).detail).toBe('The token has expired.');
    } finally {
      jest.useRealTimers();
      check.mockRestore();
    }
  });

  it('tolerates clocks apart by up to the configured skew, and no more', async () => {
    const justExpired = await jwt()
      .setIssuedAt(now() - 600)
      .setExpirationTime(now() - 30)
      .sign(hmacKey);
    expect((await verifier.verify(justExpired)).sub).toBe('account-1');
    const issuedAheadWithinSkew = await jwt()
      .setIssuedAt(now() + 30)
      .setExpirationTime(now() + 330)
      .sign(hmacKey);
    expect((await verifier.verify(issuedAheadWithinSkew)).sub).toBe('account-1');
  });

  it('refuses a token issued in the future beyond the clock skew', async () => {
    const token = await jwt()
      .setIssuedAt(now() + 120)
      .setExpirationTime(now() + 420)
      .sign(hmacKey);
    expect((await refusal(verifier, token)).detail).toBe('The token was issued in the future.');
  });

  it('refuses a token not valid yet, beyond the clock skew', async () => {
    const later = await jwt()
      .setNotBefore(now() + 120)
      .sign(hmacKey);
    expect((await refusal(verifier, later)).detail).toBe('The token is not valid yet.');
    const withinSkew = await jwt()
      .setNotBefore(now() + 30)
      .sign(hmacKey);
    expect((await verifier.verify(withinSkew)).sub).toBe('account-1');
  });

  it('refuses a token that lives longer than the maximum lifetime', async () => {
    const token = await jwt()
      .setIssuedAt(now())
      .setExpirationTime(now() + 24 * 3600 + 1)
      .sign(hmacKey);
    expect((await refusal(verifier, token)).detail).toBe(
      'The token lives longer than 86400 seconds.',
    );
    const longest = await jwt()
      .setIssuedAt(now())
      .setExpirationTime(now() + 24 * 3600)
      .sign(hmacKey);
    expect((await verifier.verify(longest)).sub).toBe('account-1');
    // An issuance time in the past does not stretch what is left of a long token.
    const backdated = await jwt()
      .setIssuedAt(now() - 3600)
      .setExpirationTime(now() + 24 * 3600)
      .sign(hmacKey);
    await refusal(verifier, backdated);
  });

  it('refuses a subject with a control character or half a surrogate pair', async () => {
    for (const sub of ['acct\u0000x', 'acct\nx', 'acct\ud800', '\udc00acct']) {
      await refusal(verifier, await jwt().setSubject(sub).sign(hmacKey));
    }
    const fine = await verifier.verify(await jwt().setSubject('账户-1 😀').sign(hmacKey));
    expect(fine.sub).toBe('账户-1 😀');
  });

  it('refuses a token without an expiry, an issuance time or a subject', async () => {
    const noExp = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setIssuedAt()
      .sign(hmacKey);
    await refusal(verifier, noExp);
    const noIat = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setExpirationTime('5m')
      .sign(hmacKey);
    await refusal(verifier, noIat);
    const textIat = await new SignJWT({ roles: ['user'], iat: String(now()) as never })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setExpirationTime('5m')
      .sign(hmacKey);
    await refusal(verifier, textIat);
    const noSub = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(hmacKey);
    await refusal(verifier, noSub);
  });

  it('refuses another issuer, another audience, another secret', async () => {
    await refusal(verifier, await jwt().setIssuer('evil').sign(hmacKey));
    await refusal(verifier, await jwt().setAudience('other-api').sign(hmacKey));
    await refusal(verifier, await jwt().sign(createSecretKey(Buffer.from('x'.repeat(32)))));
  });

  it('refuses unsigned tokens and garbage', async () => {
    const unsecured = new UnsecuredJWT({ roles: ['supervisor'] })
      .setSubject('a')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await refusal(verifier, unsecured);
    await refusal(verifier, 'not.a.token');
  });

  it.each([
    ['a string', 'supervisor'],
    ['a number', 7],
    ['an object', { 0: 'supervisor', length: 1 }],
    ['null', null],
    ['a list with a number', ['user', 7]],
    ['a list with a nested list', [['supervisor']]],
    ['a list with an object', ['user', { role: 'supervisor' }]],
    ['a list with null', [null]],
  ])('refuses roles that are %s, as 401 like any bad token', async (_kind, roles) => {
    const refused = await refusal(verifier, await jwt({ roles }).sign(hmacKey));
    expect(refused.code).toBe('unauthenticated');
    expect(refused.status).toBe(401);
    expect(refused.detail).toBe('The token’s roles are not a list of strings.');
  });

  it('reads a token without roles as one with none', async () => {
    const token = await jwt({ roles: undefined }).sign(hmacKey);
    expect(await verifier.verify(token)).toEqual({ sub: 'account-1', roles: [] });
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
  const issuer = new TokenIssuer(settings);
  const fieldsOf = async (request: Parameters<TokenIssuer['issue']>[0]) => {
    try {
      await issuer.issue(request);
    } catch (error) {
      if (error instanceof ValidationError) return error.errors.map((e) => e.field);
      throw error;
    }
    throw new Error('expected the request to be refused');
  };

  it('issues tokens of one hour by default, which the verifier accepts', async () => {
    const { token, expiresAt } = await issuer.issue({ sub: 'rev-1', roles: ['reviewer'] });
    const lifetime = expiresAt.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(await new TokenVerifier(settings).verify(token)).toEqual({
      sub: 'rev-1',
      roles: ['reviewer'],
    });
  });

  it('issues tokens up to the maximum lifetime the verifier accepts, and refuses longer', async () => {
    const longest = await issuer.issue({ sub: 'a', roles: ['user'], ttlSeconds: 24 * 3600 });
    expect((await new TokenVerifier(settings).verify(longest.token)).sub).toBe('a');
    expect(await fieldsOf({ sub: 'a', roles: ['user'], ttlSeconds: 24 * 3600 + 1 })).toEqual([
      'ttlSeconds',
    ]);
    const shortLived = new TokenIssuer({ ...settings, maxLifetimeSeconds: 600 });
    const { expiresAt } = await shortLived.issue({ sub: 'a', roles: ['user'] });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('refuses to sign without a secret, and refuses bad requests as 422', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const withoutSecret = new TokenIssuer({ ...settings, jwtSecret: undefined, jwtPublicKey: pem });
    expect(withoutSecret.canIssue).toBe(false);
    await expect(withoutSecret.issue({ sub: 'a', roles: ['user'] })).rejects.toThrow(
      /AUTH_JWT_SECRET/,
    );
    expect(await fieldsOf({ sub: 'a', roles: ['user'], ttlSeconds: 0 })).toEqual(['ttlSeconds']);
    expect(await fieldsOf({ sub: 'a', roles: ['user'], ttlSeconds: 1.5 })).toEqual(['ttlSeconds']);
    expect(await fieldsOf({ sub: '', roles: ['user'] })).toEqual(['sub']);
    expect(await fieldsOf({ sub: 'a', roles: ['root' as never] })).toEqual(['roles']);
  });
});
