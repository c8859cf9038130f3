import type { Decider, DomainEvent } from '@shiming/workflow';

// A staff member as the back office knows them: seen with their roles when they use it,
// and what they did that is about no single case (exporting the audit). One stream each.

export const STAFF_ROLES = ['reviewer', 'support', 'supervisor'] as const;

/** What an audit view or export was asked for; no personal data, only ids and times. */
export interface AuditFilter {
  staffId?: string;
  accountId?: string;
  from?: string;
  to?: string;
}

export type StaffMemberSeen = DomainEvent<
  'StaffMemberSeen',
  { at: string; staffId: string; roles: string[] }
>;
export type AuditExported = DomainEvent<
  'AuditExported',
  { at: string; by: string; filter: AuditFilter; format: 'csv' }
>;
export type StaffEvent = StaffMemberSeen | AuditExported;

export type StaffMemberCommand =
  | { type: 'NoteStaffMember'; data: { at: string; staffId: string; roles: readonly string[] } }
  | { type: 'ExportAudit'; data: { at: string; by: string; filter: AuditFilter } };

/** The roles last seen; none before the first sighting. */
export interface StaffState {
  roles: string[] | null;
}

export const STAFF_EVENT_SCHEMA_VERSIONS: { [T in StaffEvent['type']]: number } = {
  StaffMemberSeen: 1,
  AuditExported: 1,
};

export const STAFF_EVENT_TYPES = Object.keys(STAFF_EVENT_SCHEMA_VERSIONS) as StaffEvent['type'][];

export const STAFF_EVENT_DEFINITIONS = STAFF_EVENT_TYPES.map((type) => ({
  type,
  schemaVersion: STAFF_EVENT_SCHEMA_VERSIONS[type],
}));

/** The back-office roles among a token's, in one order, so that a change is a real one. */
export function staffRolesOf(roles: readonly string[]): string[] {
  return STAFF_ROLES.filter((role) => roles.includes(role));
}

export const staffDecider: Decider<StaffState, StaffMemberCommand, StaffEvent> = {
  initialState: () => ({ roles: null }),
  evolve: (state, event) =>
    event.type === 'StaffMemberSeen' ? { roles: event.data.roles } : state,
  decide: (command, state) => {
    switch (command.type) {
      case 'NoteStaffMember': {
        const roles = staffRolesOf(command.data.roles);
        // Seen again with the same roles: nothing new to record.
        if (roles.length === 0 || sameRoles(state.roles, roles)) return [];
        return [
          {
            type: 'StaffMemberSeen',
            data: { at: command.data.at, staffId: command.data.staffId, roles },
          },
        ];
      }
      case 'ExportAudit':
        return [{ type: 'AuditExported', data: { ...command.data, format: 'csv' } }];
    }
  },
};

function sameRoles(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((role, i) => role === b[i]);
}
