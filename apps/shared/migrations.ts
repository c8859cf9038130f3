import { backofficeMigrations } from '@shiming/backoffice';
import { integrationsMigrations } from '@shiming/integrations';
import { limitsMigrations } from '@shiming/limits';
import { verificationMigrations } from '@shiming/verification';
import { engineMigrations } from '@shiming/workflow';

/** Every table of the application, for the api, the worker and the tests. */
export const applicationMigrations = [
  ...engineMigrations,
  ...integrationsMigrations,
  ...verificationMigrations,
  ...limitsMigrations,
  ...backofficeMigrations,
];
