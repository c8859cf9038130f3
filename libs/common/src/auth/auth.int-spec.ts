import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { loadConfig } from '../config/config';
import { createValidationPipe, ProblemDetailsFilter } from '../errors';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import { Principal } from './principal';
import { TokenIssuer } from './token-issuer';

@Controller('things')
class ThingsController {
  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('mine')
  mine(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('reviews')
  @Roles('reviewer', 'supervisor')
  reviews() {
    return { reviews: [] };
  }
}

@Controller('service')
@Roles('service')
class ServiceController {
  @Get('limits')
  limits() {
    return { ok: true };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

describe('AuthModule over HTTP', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  let app: INestApplication;
  let issuer: TokenIssuer;

  const tokenFor = async (...roles: Principal['roles']) =>
    (await issuer.issue({ sub: 'account-1', roles })).token;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(config)],
      controllers: [ThingsController, ServiceController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    issuer = app.get(TokenIssuer);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a request without a token with 401 unauthenticated and a Bearer challenge', async () => {
    const response = await request(app.getHttpServer()).get('/things/mine').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="shiming"');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('refuses a malformed, forged or expired token with invalid_token', async () => {
    const server = app.getHttpServer();
    const forged = await new SignJWT({ roles: ['supervisor'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('account-1')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setExpirationTime('5m')
      .sign(createSecretKey(Buffer.from('not-the-secret-not-the-secret-!!')));
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('account-1')
      .setIssuer('shiming')
      .setAudience('shiming-api')
      .setIssuedAt(now - 900)
      .setExpirationTime(now - 300)
      .sign(createSecretKey(Buffer.from(config.auth.jwtSecret!)));
    for (const authorization of ['Bearer nonsense', `Bearer ${forged}`, `Basic dXNlcjpwYXNz`]) {
      const response = await request(server)
        .get('/things/mine')
        .set('Authorization', authorization)
        .expect(401);
      expect(JSON.parse(response.text).code).toBe('unauthenticated');
    }
    const response = await request(server)
      .get('/things/mine')
      .set('Authorization', `Bearer ${expired}`)
      .set('Accept-Language', 'en')
      .expect(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="shiming", error="invalid_token", error_description="The token has expired."',
    );
    expect(JSON.parse(response.text).detail).toBe('The token has expired.');
  });

  it('refuses a validly signed token with malformed roles as 401, never 500', async () => {
    const signed = (roles: unknown) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('account-1')
        .setIssuer('shiming')
        .setAudience('shiming-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(createSecretKey(Buffer.from(config.auth.jwtSecret!)));
    for (const roles of ['supervisor', 42, { supervisor: true }, ['user', 42], [['user']]]) {
      const response = await request(app.getHttpServer())
        .get('/things/mine')
        .set('Authorization', `Bearer ${await signed(roles)}`)
        .expect(401);
      expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'unauthenticated' });
      expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
    const response = await request(app.getHttpServer())
      .get('/things/mine')
      .set('Authorization', `Bearer ${await signed('supervisor')}`)
      .expect(401);
    expect(response.headers['www-authenticate']).toContain(
      `error_description="The token's roles are not a list of strings."`,
    );
  });

  it('lets any valid token through where no role is required, with its principal', async () => {
    const response = await request(app.getHttpServer())
      .get('/things/mine')
      .set('Authorization', `bearer ${await tokenFor('user')}`)
      .expect(200);
    expect(response.body).toEqual({ sub: 'account-1', roles: ['user'] });
  });

  it('answers 403 forbidden when the token lacks every required role', async () => {
    const response = await request(app.getHttpServer())
      .get('/things/reviews')
      .set('Authorization', `Bearer ${await tokenFor('user', 'support')}`)
      .expect(403);
    expect(JSON.parse(response.text)).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('lets any one of the required roles through', async () => {
    for (const role of ['reviewer', 'supervisor'] as const) {
      await request(app.getHttpServer())
        .get('/things/reviews')
        .set('Authorization', `Bearer ${await tokenFor(role)}`)
        .expect(200);
    }
  });

  it('applies a controller’s roles to its routes, and @Public() opts out', async () => {
    const server = app.getHttpServer();
    await request(server)
      .get('/service/limits')
      .set('Authorization', `Bearer ${await tokenFor('user')}`)
      .expect(403);
    await request(server)
      .get('/service/limits')
      .set('Authorization', `Bearer ${await tokenFor('service')}`)
      .expect(200);
    await request(server).get('/service/health').expect(200);
    await request(server).get('/things/open').expect(200, { open: true });
  });
});
