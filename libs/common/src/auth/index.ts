export * from './principal';
export * from './auth.errors';
export * from './auth.decorators';
export * from './token-verifier';
export * from './token-issuer';
export * from './jwt-auth.guard';
export * from './roles.guard';
export * from './auth.module';
