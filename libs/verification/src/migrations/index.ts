import { Verification1764115800000 } from './1764115800000-verification';
import { DropVerificationCases1764139200000 } from './1764139200000-drop-verification-cases';

// Migrations of the verification context's tables, in order.
export const verificationMigrations: (new () => unknown)[] = [
  Verification1764115800000,
  DropVerificationCases1764139200000,
];
