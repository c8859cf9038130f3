import type { DomainEvent } from '@shiming/workflow';

/** What a staff member searched cases by: personal data, so each search is recorded. */
export type PersonalDataSearchKind = 'idNumber' | 'mobile';

/**
 * A staff member looked cases up by an ID number or a mobile. Who, when, by which kind
 * of value and which cases it showed; never the value, nor a hash of it. One stream per
 * search (`pii-search-<id>`), beside the reveals and document views on case timelines.
 */
export type PersonalDataSearched = DomainEvent<
  'PersonalDataSearched',
  {
    at: string;
    staffId: string;
    by: PersonalDataSearchKind;
    /** The ids of the cases on the page answered (none when nothing matched). */
    caseIds: string[];
    /** A later page of the same search (a cursor was given). */
    nextPage: boolean;
  }
>;

export const SEARCH_EVENT_DEFINITIONS = [{ type: 'PersonalDataSearched', schemaVersion: 1 }];

const PREFIX = 'pii-search-';

export function personalDataSearchStreamId(searchId: string): string {
  return `${PREFIX}${searchId}`;
}
