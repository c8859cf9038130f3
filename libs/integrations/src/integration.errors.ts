/**
 * A production adapter that has not been built or configured yet. Deliberately not a
 * DomainError: it is an operator's problem, logged in full and answered as a bare 500.
 */
export class IntegrationNotConfiguredError extends Error {
  readonly code = 'integration_not_configured';

  constructor(
    readonly integration: string,
    readonly envVariable: string,
  ) {
    super(
      `${integration} is not configured: set ${envVariable} to the provider's endpoint, ` +
        `or run with SANDBOX=true to use the simulator.`,
    );
    this.name = 'IntegrationNotConfiguredError';
  }
}
