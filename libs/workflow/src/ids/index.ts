export { ID_GENERATOR, RandomIdGenerator } from './id-generator';
export type { IdGenerator } from './id-generator';
