// Stream names of the verification context. The account's process is one stream; the
// identity registry is one small stream per ID number, named by a random registry id
// (never by anything derived from the number: stream names outlive an erasure).

const ACCOUNT_PREFIX = 'verification-';
const IDENTITY_PREFIX = 'identity-';

export function verificationStreamId(accountId: string): string {
  return `${ACCOUNT_PREFIX}${accountId}`;
}

/** The account of a verification stream, or null for any other stream. */
export function accountIdOfStream(streamId: string): string | null {
  return streamId.startsWith(ACCOUNT_PREFIX) ? streamId.slice(ACCOUNT_PREFIX.length) : null;
}

export function identityStreamId(registryId: string): string {
  return `${IDENTITY_PREFIX}${registryId}`;
}
