export * from './locale';
export * from './message-catalogue';
export * from './beijing-time';
