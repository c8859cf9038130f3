import { ConfigError } from '@shiming/common';

export interface IntegrationsModuleOptions {
  /** Simulated outside parties (DESIGN §3) instead of the production adapters. */
  sandbox: boolean;
  /** Where the encrypted documents live. Default `./var/documents`. */
  documentsRoot?: string;
  /** Sandbox bank: how long after sending a micro-deposit settles. Default 24 h. */
  depositSettlementMs?: number;
  /**
   * Sandbox identity authority: how many calls for one `998` ID number fail as
   * unavailable before it answers match. Default 2.
   */
  authorityUnavailableFailures?: number;
}

export interface ResolvedIntegrationsOptions {
  sandbox: boolean;
  documentsRoot: string;
  depositSettlementMs: number;
  authorityUnavailableFailures: number;
}

export const INTEGRATIONS_OPTIONS = Symbol('IntegrationsOptions');

export const DEFAULT_DOCUMENTS_ROOT = './var/documents';
export const DEFAULT_DEPOSIT_SETTLEMENT_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_AUTHORITY_UNAVAILABLE_FAILURES = 2;

/** Fills in defaults and refuses values the adapters cannot work with, all at boot. */
export function resolveIntegrationsOptions(
  options: IntegrationsModuleOptions,
): ResolvedIntegrationsOptions {
  const resolved: ResolvedIntegrationsOptions = {
    sandbox: options.sandbox,
    documentsRoot: options.documentsRoot ?? DEFAULT_DOCUMENTS_ROOT,
    depositSettlementMs: options.depositSettlementMs ?? DEFAULT_DEPOSIT_SETTLEMENT_MS,
    authorityUnavailableFailures:
      options.authorityUnavailableFailures ?? DEFAULT_AUTHORITY_UNAVAILABLE_FAILURES,
  };
  const problems: string[] = [];
  if (resolved.documentsRoot.trim() === '') problems.push('documentsRoot: must not be empty');
  if (!Number.isSafeInteger(resolved.depositSettlementMs) || resolved.depositSettlementMs < 0) {
    problems.push('depositSettlementMs: must be a whole number of milliseconds, 0 or more');
  }
  if (
    !Number.isSafeInteger(resolved.authorityUnavailableFailures) ||
    resolved.authorityUnavailableFailures < 0
  ) {
    problems.push('authorityUnavailableFailures: must be a whole number, 0 or more');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}
