import { Backoffice1764140000000 } from './1764140000000-backoffice';
import { NotificationCodes1765200000000 } from './1765200000000-notification-codes';
import { CaseSearch1765300100000 } from './1765300100000-case-search';
import { CaseListOrders1765300200000 } from './1765300200000-case-list-orders';
import { QueueProvisionalDue1766200000000 } from './1766200000000-queue-provisional-due';
import { AuditAndStaff1766300000000 } from './1766300000000-audit-and-staff';
import { AuditSearches1766400000000 } from './1766400000000-audit-searches';

// Migrations of the back office's read models, in order.
export const backofficeMigrations: (new () => unknown)[] = [
  Backoffice1764140000000,
  NotificationCodes1765200000000,
  CaseSearch1765300100000,
  CaseListOrders1765300200000,
  QueueProvisionalDue1766200000000,
  AuditAndStaff1766300000000,
  AuditSearches1766400000000,
];
