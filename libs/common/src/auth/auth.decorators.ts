import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { UnauthenticatedError } from './auth.errors';
import { principalOf, Principal, Role } from './principal';

export const IS_PUBLIC = 'shiming:auth:public';
export const REQUIRED_ROLES = 'shiming:auth:roles';

/** Lets a route (or every route of a controller) through without a token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The caller needs at least one of these roles; otherwise 403 `forbidden`. There is
 * no hierarchy: a route open to supervisors says so (`@Roles('reviewer', 'supervisor')`).
 * The method's list replaces the controller's; `@Public()` on a method drops the
 * controller's.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller, `{ sub, roles }`. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest());
    // Only reachable on a @Public() route, where no token was checked.
    if (!principal) throw new UnauthenticatedError('This needs a bearer token.');
    return principal;
  },
);
