export * from './command-context';
export * from './command-runner';
export * from './decider';
