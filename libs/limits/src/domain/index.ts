export * from './account-tier';
export * from './limits';
export * from './limits.errors';
export * from './limits.events';
export * from './limits.policy';
export * from './money';
export * from './month';
