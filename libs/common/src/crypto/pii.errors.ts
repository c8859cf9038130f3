import { DomainError } from '../errors/domain-error';

/** The subject's data key was shredded: what was encrypted under it is gone for good. */
export class PersonalDataErasedError extends DomainError {
  readonly code = 'personal_data_erased';
  readonly status = 410;
}

/**
 * A ciphertext that cannot be ours for this subject: malformed, altered, made for
 * another subject, or under a key the subject never had. A fault in our data or
 * code, never the caller's: it answers as a bare 500 and is logged.
 */
export class InvalidCiphertextError extends DomainError {
  readonly code = 'invalid_ciphertext';
  readonly status = 500;
}
