import type { CaseKind, CaseOutcome, CaseStatus, StatusFilter } from './api/types';

export const KIND_LABELS: Record<CaseKind, string> = {
  manual_review: 'Manual reviews',
  appeal: 'Appeals',
};

export const KIND_SINGULAR: Record<CaseKind, string> = {
  manual_review: 'Manual review',
  appeal: 'Appeal',
};

export const STATUS_LABELS: Record<StatusFilter, string> = {
  open: 'Open',
  claimed: 'Claimed',
  awaiting_user: 'Awaiting user',
  awaiting_approval: 'Awaiting approval',
  escalated: 'Escalated',
  decided: 'Decided',
  withdrawn: 'Withdrawn',
};

export const OUTCOME_LABELS: Record<CaseOutcome, string> = {
  approved: 'approved',
  rejected: 'rejected',
  upheld: 'upheld',
  denied: 'denied',
};

export function statusLabel(status: CaseStatus, outcome: CaseOutcome | null): string {
  if (status === 'decided' && outcome) return `Decided · ${OUTCOME_LABELS[outcome]}`;
  return STATUS_LABELS[status];
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** 2d 04h, 3h 12m, 12:09 (minutes and seconds under an hour). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${two(hours)}h`;
  if (hours > 0) return `${hours}h ${two(minutes)}m`;
  return `${two(minutes)}:${two(seconds)}`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** CaseClaimed → Case claimed. */
export function humanize(type: string): string {
  const words = type
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
