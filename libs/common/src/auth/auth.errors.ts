import { UnauthorizedError } from '../errors/domain-error';

/** No valid bearer token (401): missing, malformed, badly signed, expired. */
export class UnauthenticatedError extends UnauthorizedError {
  override readonly code: string = 'unauthenticated';
}
