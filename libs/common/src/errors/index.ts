export * from './domain-error';
export * from './validation-error';
export * from './problem-details';
export * from './database-unavailable';
export * from './problem-details.filter';
export * from './startup-error';
export * from './problem-details.dto';
export * from './messages';
