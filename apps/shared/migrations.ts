import { integrationsMigrations } from '@shiming/integrations';
import { limitsMigrations } from '@shiming/limits';
import { engineMigrations } from '@shiming/workflow';

/** Every table of the application, for the api, the worker and the tests. */
export const applicationMigrations = [
  ...engineMigrations,
  ...integrationsMigrations,
  ...limitsMigrations,
];
