import { DomainError } from '@shiming/common';

/**
 * The sandbox cannot sign tokens: only AUTH_JWT_PUBLIC_KEY is configured, so tokens
 * come from the outside issuer that holds the private key.
 */
export class SandboxTokensUnavailableError extends DomainError {
  readonly code = 'sandbox_tokens_unavailable';
  readonly status = 503;

  constructor() {
    super(
      'The sandbox issues no tokens here: only AUTH_JWT_PUBLIC_KEY is configured; get a token from its issuer, or set AUTH_JWT_SECRET.',
    );
  }
}
