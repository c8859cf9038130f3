// The shared base is plain TypeScript, free of Nest, so the domain may use it.
import { DomainError } from '@shiming/common/errors/domain-error';

// Domain errors as plain classes: the global filter renders anything with a string
// `code` and a numeric HTTP `status` as problem+json, with `extras` as extra members.

export abstract class LimitsError extends DomainError {
  // Every error of this context says what happened.
  constructor(
    override readonly detail: string,
    extras: Record<string, unknown> = {},
  ) {
    super(detail, extras);
  }
}

/** An amount that is not a positive yuan amount with at most two decimals, or too large. */
export class InvalidAmountError extends LimitsError {
  readonly code = 'invalid_amount';
  readonly status = 422;

  constructor(detail: string) {
    super(detail, { errors: [{ field: 'amount', code: 'invalid_amount', message: detail }] });
  }
}

/** A reference already used for an authorization of another account, direction or amount. */
export class ReferenceReusedError extends LimitsError {
  readonly code = 'reference_reused';
  readonly status = 422;

  constructor() {
    super(
      'This reference was already used for an authorization with another account, direction or amount.',
    );
  }
}
