export * from './commands/authorize-limit/authorize-limit.command';
export * from './domain';
export * from './limits.module';
export * from './limits.tokens';
export * from './migrations';
export * from './queries/get-account-limits/get-account-limits.query';
