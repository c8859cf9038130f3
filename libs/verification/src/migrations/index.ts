import { Verification1764115800000 } from './1764115800000-verification';

// Migrations of the verification context's tables, in order.
export const verificationMigrations: (new () => unknown)[] = [Verification1764115800000];
