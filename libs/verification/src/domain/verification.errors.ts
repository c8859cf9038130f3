// The shared base is plain TypeScript, free of Nest, so the domain may use it.
import { DomainError } from '@shiming/common/errors/domain-error';

// Domain errors as plain classes: the global filter renders anything with a string
// `code` and a numeric HTTP `status` as problem+json, with `extras` as extra members.
// `detail` is shown to the caller and never carries personal data.

export abstract class VerificationError extends DomainError {
  // Every error of this context says what happened.
  constructor(
    override readonly detail: string,
    extras: Record<string, unknown> = {},
  ) {
    super(detail, extras);
  }
}

/** The step is not allowed in the process's current state. */
export class WrongStateError extends VerificationError {
  readonly code = 'wrong_state';
  readonly status = 409;

  constructor(
    readonly state: string,
    readonly command: string,
    reason?: string,
  ) {
    super(`${command} is not allowed in state ${state}${reason ? `: ${reason}` : ''}.`, {
      state,
      command,
    });
  }
}

export class UnsupportedRegionError extends VerificationError {
  readonly code = 'unsupported_region';
  readonly status = 422;

  constructor(region: string) {
    super(`Real-name verification is only available for mainland accounts, not "${region}".`, {
      supportedRegions: ['mainland'],
    });
  }
}

/** Five wrong payment passwords in a row; 423 Locked until the lock ends. */
export class IdentitySubmissionLockedError extends VerificationError {
  readonly code = 'locked';
  readonly status = 423;

  constructor(
    readonly lockedUntil: string,
    readonly retryAfterSeconds: number,
  ) {
    super('Too many wrong payment passwords: identity submission is locked.', {
      lockedUntil,
      retryAfterSeconds,
    });
  }
}

export class IdentityAlreadyConfirmedError extends VerificationError {
  readonly code = 'identity_already_confirmed';
  readonly status = 409;

  constructor() {
    super('The name and ID number were confirmed and can no longer be changed.');
  }
}

/** Resubmitting the very identity an appeal was denied for. */
export class IdentityAppealDeniedError extends VerificationError {
  readonly code = 'identity_appeal_denied';
  readonly status = 409;

  constructor() {
    super('The appeal for this identity was denied; it cannot be submitted again.');
  }
}

/** A main account's identity is shared by its associated accounts. */
export class IdentityHasAssociatedAccountsError extends VerificationError {
  readonly code = 'identity_has_associated_accounts';
  readonly status = 409;

  constructor(count: number) {
    super('Other accounts are associated with this identity; it cannot be changed.', {
      associatedAccounts: count,
    });
  }
}

export class InvalidCertificatesError extends VerificationError {
  readonly code = 'invalid_certificates';
  readonly status = 422;

  constructor(min: number, max: number, given: number) {
    super(`Upload between ${min} and ${max} distinct certificate images (got ${given}).`, {
      min,
      max,
    });
  }
}

/** The same image was uploaded as the front and the back of the ID card. */
export class IdenticalIdPhotosError extends VerificationError {
  readonly code = 'identical_id_photos';
  readonly status = 422;

  constructor() {
    super('The front and the back of the ID card must be two different photos.');
  }
}

/** A rejection or a denial must say why, to the user and for the audit. */
export class ReasonRequiredError extends VerificationError {
  readonly code = 'reason_required';
  readonly status = 422;

  constructor() {
    super('A rejection needs a reasonCode and a userMessage.');
  }
}

export class CodeExpiredError extends VerificationError {
  readonly code = 'code_expired';
  readonly status = 409;

  constructor() {
    super('The SMS verification code has expired; request a new one.');
  }
}

export class ResendTooSoonError extends VerificationError {
  readonly code = 'resend_too_soon';
  readonly status = 429;

  constructor(
    readonly resendableAt: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`A new code can be sent in ${retryAfterSeconds} s.`, { resendableAt, retryAfterSeconds });
  }
}

/** The account has been sent as many SMS codes as an hour or a day allows. */
export class SmsSendLimitError extends VerificationError {
  readonly code = 'sms_limit_reached';
  readonly status = 429;

  constructor(
    readonly window: 'hour' | 'day',
    readonly retryAfterSeconds: number,
  ) {
    super(`No more verification codes can be sent this ${window}; try again later.`, {
      retryAfterSeconds,
    });
  }
}

export class PaymentVerificationUnsupportedError extends VerificationError {
  readonly code = 'payment_verification_unsupported';
  readonly status = 409;

  constructor() {
    super('This card does not support payment verification; change to another card.');
  }
}

export class MicroDepositExpiredError extends VerificationError {
  readonly code = 'micro_deposit_expired';
  readonly status = 409;

  constructor() {
    super('The time to confirm the micro-deposit amount has run out.');
  }
}

/** Every micro-deposit this card may be sent was used up. */
export class AttemptsExceededError extends VerificationError {
  readonly code = 'attempts_exceeded';
  readonly status = 429;

  constructor(what: string, remedy = 'change to another card') {
    super(`${what}: no attempts left; ${remedy}.`);
  }
}
