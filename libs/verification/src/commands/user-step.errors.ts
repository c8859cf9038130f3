import { DomainError } from '@shiming/common';

// Wrong answers are recorded as events (the decider counts them); the user is then told
// with one of these, after the events committed. None carries what was typed.

export class WrongPaymentPasswordError extends DomainError {
  readonly code = 'wrong_payment_password';
  readonly status = 422;

  constructor(readonly attemptsLeft: number) {
    super('The payment password is wrong.', { attemptsLeft });
  }
}

export class WrongSmsCodeError extends DomainError {
  readonly code = 'wrong_sms_code';
  readonly status = 422;

  constructor(readonly attemptsLeft: number) {
    super(
      attemptsLeft > 0
        ? 'The verification code is wrong.'
        : 'The verification code is wrong, and no attempts are left: accept the agreement again for a new code.',
      { attemptsLeft },
    );
  }
}

export class WrongDepositAmountError extends DomainError {
  readonly code = 'wrong_amount';
  readonly status = 422;

  constructor(readonly attemptsLeft: number) {
    super(
      attemptsLeft > 0
        ? 'That is not the amount we sent.'
        : 'That is not the amount we sent, and no attempts are left: request a new micro-deposit or change card.',
      { attemptsLeft },
    );
  }
}

/**
 * Another answer to the same check (a payment password) is being checked for this
 * account right now: guesses are taken one at a time, so that none escapes the count.
 */
export class GuessInProgressError extends DomainError {
  readonly code = 'guess_in_progress';
  readonly status = 429;

  constructor() {
    super('Another answer for this account is being checked; try again in a moment.', {
      retryAfterSeconds: 1,
    });
  }
}

/** Step 5 with `useBoundCard`, for an account without a bound quick-pay card. */
export class NoBoundCardError extends DomainError {
  readonly code = 'no_bound_card';
  readonly status = 409;

  constructor() {
    super('This account has no bound quick-pay card; enter a card number instead.');
  }
}

/** `POST /associations` with a token that is not a user token of another account. */
export class InvalidAccountTokenError extends DomainError {
  readonly code = 'invalid_account_token';
  readonly status = 422;

  constructor(detail: string) {
    super(detail, {
      errors: [{ field: 'accountToken', code: 'invalid_account_token', message: detail }],
    });
  }
}
