// Stream names of the verification context. The account's process is one stream; the
// identity registry is one small stream per keyed hash of an ID number.

const ACCOUNT_PREFIX = 'verification-';
const IDENTITY_PREFIX = 'identity-';

export function verificationStreamId(accountId: string): string {
  return `${ACCOUNT_PREFIX}${accountId}`;
}

/** The account of a verification stream, or null for any other stream. */
export function accountIdOfStream(streamId: string): string | null {
  return streamId.startsWith(ACCOUNT_PREFIX) ? streamId.slice(ACCOUNT_PREFIX.length) : null;
}

export function identityStreamId(idHash: string): string {
  return `${IDENTITY_PREFIX}${idHash}`;
}
