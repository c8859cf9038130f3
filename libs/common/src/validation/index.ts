export * from './resident-id-number';
export * from './bank-card-number';
export * from './mainland-mobile';
export * from './chinese-name';
export * from './validation.decorators';
