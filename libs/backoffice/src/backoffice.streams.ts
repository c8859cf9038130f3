const PREFIX = 'case-';

/** Each manual review or appeal is its own stream, apart from the user's account. */
export function caseStreamId(caseId: string): string {
  return `${PREFIX}${caseId}`;
}

export function caseIdOfStream(streamId: string): string | null {
  return streamId.startsWith(PREFIX) ? streamId.slice(PREFIX.length) : null;
}
