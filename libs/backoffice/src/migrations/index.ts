import { Backoffice1764140000000 } from './1764140000000-backoffice';

// Migrations of the back office's read models, in order.
export const backofficeMigrations: (new () => unknown)[] = [Backoffice1764140000000];
