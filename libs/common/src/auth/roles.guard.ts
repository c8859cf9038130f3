import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../errors/domain-error';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { UnauthenticatedError } from './auth.errors';
import { principalOf, Role } from './principal';

/** Global guard after JwtAuthGuard: enforces `@Roles(...)` (403 `forbidden`). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    const controller = context.getClass();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]);
    // A public route in a controller with roles is public; roles on the route itself win.
    const required =
      this.reflector.get<Role[] | undefined>(REQUIRED_ROLES, handler) ??
      (isPublic ? undefined : this.reflector.get<Role[] | undefined>(REQUIRED_ROLES, controller));
    if (!required || required.length === 0) return true;
    const principal = principalOf(context.switchToHttp().getRequest());
    // No principal here means @Public() and @Roles() on one route: refuse rather than let anyone in.
    if (!principal) throw new UnauthenticatedError('This needs a bearer token.');
    if (!principal.roles.some((role) => required.includes(role))) {
      throw new ForbiddenError(`This needs one of the roles: ${required.join(', ')}.`);
    }
    return true;
  }
}
