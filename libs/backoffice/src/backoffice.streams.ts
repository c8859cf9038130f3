const PREFIX = 'case-';

/** Each manual review or appeal is its own stream, apart from the user's account. */
export function caseStreamId(caseId: string): string {
  return `${PREFIX}${caseId}`;
}

export function caseIdOfStream(streamId: string): string | null {
  return streamId.startsWith(PREFIX) ? streamId.slice(PREFIX.length) : null;
}

const STAFF_PREFIX = 'staff-';

/** Each staff member's own stream: when they were seen with which roles, their exports. */
export function staffStreamId(staffId: string): string {
  return `${STAFF_PREFIX}${staffId}`;
}
