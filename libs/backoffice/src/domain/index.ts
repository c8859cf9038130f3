export * from './case.commands';
export * from './case.decider';
export * from './case.errors';
export * from './case.events';
export * from './case.policy';
export * from './case.state';
export * from './case.timers';
export * from './reason-codes';
