export * from './command-runner';
export * from './decider';
