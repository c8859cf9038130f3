import { Controller, Delete, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles, bearerTokenOf } from '@shiming/common';
import type { CookieOptions, Request, Response } from 'express';
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
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): void {
    // The guard has verified this header already; it is only read again here.
    const token = bearerTokenOf(authorization) as string;
    const { exp } = decodeJwt(token);
    response.cookie(ADMIN_COOKIE, token, {
      ...cookieOptions(request),
      ...(typeof exp === 'number' ? { expires: new Date(exp * 1000) } : {}),
    });
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @ApiOperation({ summary: 'End the queue dashboard’s browser session (clears the cookie)' })
  @ApiNoContentResponse({ description: 'The cookie is cleared' })
  close(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.clearCookie(ADMIN_COOKIE, cookieOptions(request));
  }
}

function cookieOptions(request: Request): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: ADMIN_PATH,
    // Behind a proxy that ends TLS, the forwarded protocol says the browser used https.
    secure: request.secure || request.headers['x-forwarded-proto'] === 'https',
  };
}
