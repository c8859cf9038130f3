import { QueryClient, useInfiniteQuery, useIsFetching, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { syncClock } from '../clock';
import { ApiError, getBlob, getJson, postJson, query } from './client';
import type {
  AuditPage,
  BulkResults,
  CaseDetail,
  CaseKind,
  CasePage,
  CaseSort,
  Metrics,
  ReasonCodes,
  StaffMember,
  StaffNotification,
  StatusFilter,
  TimelineItem,
} from './types';

// One cache for every part of the page. Everything the API says about cases lives
// under the `backoffice` key, so one invalidation refreshes the queue, the metrics,
// the notifications and an open case together, and they never disagree for long.
const ROOT = 'backoffice';

export const keys = {
  all: [ROOT] as const,
  cases: (filter: QueueFilter) => [ROOT, 'cases', filter] as const,
  case: (caseId: string) => [ROOT, 'case', caseId] as const,
  timeline: (caseId: string) => [ROOT, 'case', caseId, 'timeline'] as const,
  metrics: [ROOT, 'metrics'] as const,
  notifications: [ROOT, 'notifications'] as const,
  staff: (kind: CaseKind | null) => [ROOT, 'staff', kind] as const,
  audit: (filter: AuditFilter) => [ROOT, 'audit', filter] as const,
  // Changes with a release, not during a day: outside the root, never refreshed.
  reasonCodes: ['reference', 'reason-codes'] as const,
};

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a lost connection might.
      retry: (failures, error) =>
        failures < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
    },
  },
});

// Everything on a page is refreshed together this often while the page is seen.
const REFRESH_MS = 30_000;

/**
 * Refreshes everything on the page at once (the Refresh button, after an action), and
 * the sandbox clock's offset that the countdowns use.
 */
export async function refreshAll(): Promise<void> {
  await Promise.all([queryClient.invalidateQueries({ queryKey: keys.all }), syncClock()]);
}

/** Reads the clock's offset now, then refreshes the page's parts together now and then. */
export function useRefreshTogether(): void {
  useEffect(() => {
    void syncClock();
    const timer = window.setInterval(() => {
      if (!document.hidden) void refreshAll();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
}

/** True while any part of the page is being fetched again. */
export function useRefreshing(): boolean {
  return useIsFetching({ queryKey: keys.all }) > 0;
}

/** What the search box looks for: ids go in the address, personal data only in a body. */
export type SearchBy = 'caseId' | 'accountId' | 'idNumber' | 'mobile';

export interface CaseSearchTerm {
  by: SearchBy;
  value: string;
}

export interface QueueFilter {
  kind: CaseKind;
  status: StatusFilter | null;
  mine: boolean;
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  decidedBy?: string;
  reasonCode?: string;
  /** Instants (ISO 8601 with offset): from inclusive, to exclusive. */
  openedFrom?: string;
  openedTo?: string;
  decidedFrom?: string;
  decidedTo?: string;
  search?: CaseSearchTerm;
}

const PAGE_SIZE = 50;

export function useCaseList(filter: QueueFilter) {
  const personal = filter.search?.by === 'idNumber' || filter.search?.by === 'mobile';
  return useInfiniteQuery({
    // Each search by personal data is recorded: it runs when asked for, outside the
    // page's periodic refresh, and is not kept once nobody looks at it.
    queryKey: personal ? (['personal-data-search', filter] as const) : keys.cases(filter),
    staleTime: personal ? Infinity : undefined,
    gcTime: personal ? 0 : undefined,
    refetchOnWindowFocus: !personal,
    queryFn: ({ pageParam, signal }) => {
      const { search } = filter;
      const params = {
        kind: filter.kind,
        status: filter.status ?? undefined,
        assignee: filter.mine ? 'me' : undefined,
        sort: filter.sort,
        order: filter.order,
        decidedBy: filter.decidedBy,
        reasonCode: filter.reasonCode,
        openedFrom: filter.openedFrom,
        openedTo: filter.openedTo,
        decidedFrom: filter.decidedFrom,
        decidedTo: filter.decidedTo,
        limit: PAGE_SIZE,
        cursor: pageParam,
      };
      // An ID number or a mobile never goes into a URL: the search route takes it in
      // its body (and records the search).
      if (search && personal) {
        const body = Object.fromEntries(
          Object.entries({ ...params, [search.by]: search.value }).filter(
            ([, value]) => value !== undefined && value !== '',
          ),
        );
        return postJson<CasePage>('/v1/backoffice/cases/search', body).then(
          (page) => page ?? { items: [], nextCursor: null },
        );
      }
      return getJson<CasePage>(
        `/v1/backoffice/cases${query({
          ...params,
          ...(search ? { [search.by]: search.value } : {}),
        })}`,
        signal,
      );
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useMetrics() {
  return useQuery({
    queryKey: keys.metrics,
    queryFn: ({ signal }) => getJson<Metrics>('/v1/backoffice/metrics', signal),
  });
}

export function useNotifications() {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: ({ signal }) =>
      getJson<{ items: StaffNotification[] }>('/v1/backoffice/notifications?limit=20', signal),
  });
}

function casePath(caseId: string): string {
  return `/v1/backoffice/cases/${encodeURIComponent(caseId)}`;
}

export function useCase(caseId: string) {
  return useQuery({
    queryKey: keys.case(caseId),
    queryFn: ({ signal }) => getJson<CaseDetail>(casePath(caseId), signal),
  });
}

export function useTimeline(caseId: string) {
  return useQuery({
    queryKey: keys.timeline(caseId),
    queryFn: ({ signal }) =>
      getJson<{ items: TimelineItem[] }>(`${casePath(caseId)}/timeline`, signal),
  });
}

export function useReasonCodes(enabled: boolean) {
  return useQuery({
    queryKey: keys.reasonCodes,
    queryFn: ({ signal }) => getJson<ReasonCodes>('/v1/backoffice/reason-codes', signal),
    staleTime: Infinity,
    enabled,
  });
}

/**
 * Runs an action on a case (`claim`, `decision`, …). The case as the API answers
 * replaces the cached one at once; then everything else is refreshed, the timeline,
 * queue and metrics included.
 */
export async function actOnCase(
  caseId: string,
  action: string,
  body: unknown,
): Promise<CaseDetail | null> {
  try {
    const next = await postJson<CaseDetail>(`${casePath(caseId)}/${action}`, body);
    if (next) queryClient.setQueryData<CaseDetail>(keys.case(caseId), next);
    return next;
  } finally {
    void refreshAll();
  }
}

/** Claims the most urgent case of `kind` for the caller; null when there is none (204). */
export async function claimNextCase(kind: CaseKind): Promise<CaseDetail | null> {
  const claimed = await postJson<CaseDetail>('/v1/backoffice/cases/next', { kind });
  if (claimed) queryClient.setQueryData<CaseDetail>(keys.case(claimed.id), claimed);
  void refreshAll();
  return claimed;
}

/** The staff who have used the back office; with `kind`, those who may work it. */
export function useStaff(kind: CaseKind | null, enabled = true) {
  return useQuery({
    queryKey: keys.staff(kind),
    queryFn: ({ signal }) =>
      getJson<{ items: StaffMember[] }>(
        `/v1/backoffice/staff${query({ kind: kind ?? undefined })}`,
        signal,
      ),
    enabled,
  });
}

export interface AuditFilter {
  staffId: string;
  accountId: string;
  /** ISO times; empty: no bound. */
  from: string;
  to: string;
}

function auditQuery(filter: AuditFilter): Record<string, string> {
  return {
    staffId: filter.staffId.trim(),
    accountId: filter.accountId.trim(),
    from: filter.from,
    to: filter.to,
  };
}

export function useAudit(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: keys.audit(filter),
    queryFn: ({ pageParam, signal }) =>
      getJson<AuditPage>(
        `/v1/backoffice/audit${query({ ...auditQuery(filter), limit: PAGE_SIZE, cursor: pageParam })}`,
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The audit for the filter as a CSV file (the export is itself recorded). */
export async function exportAudit(filter: AuditFilter): Promise<Blob> {
  try {
    return await getBlob(`/v1/backoffice/audit/export.csv${query(auditQuery(filter))}`);
  } finally {
    void queryClient.invalidateQueries({ queryKey: [ROOT, 'audit'] });
  }
}

/** Reassigns or releases several cases; each case has its own outcome. */
export async function bulkAct(
  action: 'bulk-reassign' | 'bulk-release',
  body: { caseIds: string[]; to?: string; note?: string },
): Promise<BulkResults> {
  try {
    const answer = await postJson<BulkResults>(`/v1/backoffice/cases/${action}`, body);
    return answer ?? { results: [] };
  } finally {
    void refreshAll();
  }
}
