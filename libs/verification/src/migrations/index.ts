import { Verification1764115800000 } from './1764115800000-verification';
import { DropVerificationCases1764139200000 } from './1764139200000-drop-verification-cases';
import { IdentityIndex1765000000000 } from './1765000000000-identity-index';
import { SmsMobileSends1765000200000 } from './1765000200000-sms-mobile-sends';
import { CaseRequests1765100000000 } from './1765100000000-case-requests';
import { IdentityMobiles1765300050000 } from './1765300050000-identity-mobiles';

// Migrations of the verification context's tables, in order.
export const verificationMigrations: (new () => unknown)[] = [
  Verification1764115800000,
  DropVerificationCases1764139200000,
  IdentityIndex1765000000000,
  SmsMobileSends1765000200000,
  CaseRequests1765100000000,
  IdentityMobiles1765300050000,
];
