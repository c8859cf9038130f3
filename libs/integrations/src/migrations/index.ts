import { Documents1764115620000 } from './1764115620000-documents';
import { SandboxIntegrations1764115630000 } from './1764115630000-sandbox-integrations';
import { DocumentsPerIdentity1765000100000 } from './1765000100000-documents-per-identity';

// Migrations of the integrations' schema, in order.
export const integrationsMigrations: (new () => unknown)[] = [
  Documents1764115620000,
  SandboxIntegrations1764115630000,
  DocumentsPerIdentity1765000100000,
];
