import { Documents1764115620000 } from './1764115620000-documents';
import { SandboxIntegrations1764115630000 } from './1764115630000-sandbox-integrations';

// Migrations of the integrations' schema, in order.
export const integrationsMigrations: (new () => unknown)[] = [
  Documents1764115620000,
  SandboxIntegrations1764115630000,
];
