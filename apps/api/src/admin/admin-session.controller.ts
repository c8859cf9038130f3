import { Controller, Delete, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent, Public, Roles, bearerTokenOf } from '@shiming/common';
import { serialize, type SerializeOptions } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { ADMIN_COOKIE, ADMIN_PATH } from './admin-cookie';

/**
 * Hands a staff token to the browser as a cookie for `/admin` (the queue dashboard),
 * which is opened by navigation and so cannot carry an Authorization header. The
 * dashboard checks the token inside on every request, roles and expiry included.
 */
@ApiTags('backoffice')
@Controller('v1/backoffice/session')
export class AdminSessionController {
  @Post()
  @Idempotent()
  @HttpCode(204)
  @ApiBearerAuth()
  @Roles('reviewer', 'support', 'supervisor')
  @ApiOperation({
    summary: 'Open a browser session for the queue dashboard',
    description: [
      'Sets an HttpOnly, SameSite=Strict cookie limited to `/admin` holding the bearer token',
      'of this request, until the token expires. `/admin/queues` accepts it from supervisors.',
    ].join('\n'),
  })
  @ApiNoContentResponse({ description: 'The cookie is set' })
  open(
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): void {
    // The guard has verified this header already; it is only read again here.
    const token = bearerTokenOf(authorization) as string;
    const { exp } = decodeJwt(token);
    response.header(
      'Set-Cookie',
      serialize(ADMIN_COOKIE, token, {
        ...cookieOptions(request),
        ...(typeof exp === 'number' ? { expires: new Date(exp * 1000) } : {}),
      }),
    );
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'End the queue dashboard’s browser session (clears the cookie)' })
  @ApiNoContentResponse({ description: 'The cookie is cleared' })
  close(@Req() request: FastifyRequest, @Res({ passthrough: true }) response: FastifyReply): void {
    response.header(
      'Set-Cookie',
      serialize(ADMIN_COOKIE, '', { ...cookieOptions(request), expires: new Date(0) }),
    );
  }
}

function cookieOptions(request: FastifyRequest): SerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: ADMIN_PATH,
    // Behind a proxy that ends TLS, the forwarded protocol says the browser used https.
    secure: request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https',
  };
}
