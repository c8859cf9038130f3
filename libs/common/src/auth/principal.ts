export const ROLES = ['user', 'reviewer', 'support', 'supervisor', 'service'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: the token's subject (an account id for `user`) and roles. */
export interface Principal {
  sub: string;
  roles: Role[];
}

/** Where JwtAuthGuard leaves the principal on the request. */
export interface RequestWithPrincipal {
  principal?: Principal;
}

export function principalOf(request: unknown): Principal | undefined {
  return (request as RequestWithPrincipal | undefined)?.principal;
}
