import { AccountLimits1764116000000 } from './1764116000000-account-limits';
import { DropAccountLimits1765100100000 } from './1765100100000-drop-account-limits';

// Migrations of the limits' schema, in order.
export const limitsMigrations: (new () => unknown)[] = [
  AccountLimits1764116000000,
  DropAccountLimits1765100100000,
];
