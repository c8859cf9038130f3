import { ValidationError } from '@shiming/common';
import {
  sortKeyCount,
  type CaseSort,
  type SortOrder,
  type SortPosition,
} from '../infrastructure/case-search.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A timestamp as PostgreSQL writes one (or an ISO string from an older cursor).
const TIMESTAMP =
  /^(infinity|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?)$/;

/**
 * An opaque cursor: the order it belongs to and where the page ended in it. Only
 * meaningful with the order and filters of the page that gave it.
 */
export function encodeCaseCursor(sort: CaseSort, order: SortOrder, at: SortPosition): string {
  return Buffer.from(JSON.stringify({ s: sort, o: order, k: at.keys, id: at.caseId })).toString(
    'base64url',
  );
}

export function decodeCaseCursor(cursor: string, sort: CaseSort, order: SortOrder): SortPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is not one this API gave out');
  }
  // The queue's cursors before sorting existed: [rank, due time, case id].
  if (Array.isArray(decoded) && decoded.length === 3) {
    decoded = { s: 'queue', o: 'asc', k: decoded.slice(0, 2), id: decoded[2] };
  }
  const { s, o, k, id } = (decoded ?? {}) as {
    s?: unknown;
    o?: unknown;
    k?: unknown;
    id?: unknown;
  };
  if (
    typeof s !== 'string' ||
    typeof o !== 'string' ||
    !Array.isArray(k) ||
    typeof id !== 'string'
  ) {
    throw invalid('cursor is not one this API gave out');
  }
  if (s !== sort || o !== order) {
    throw invalid('cursor belongs to another order: keep sort and order while paging');
  }
  const valid =
    UUID.test(id) &&
    k.length === sortKeyCount(sort) &&
    k.every((key, i) =>
      sort === 'queue' && i === 0
        ? key === 0 || key === 1
        : typeof key === 'string' && TIMESTAMP.test(key),
    );
  if (!valid) throw invalid('cursor is not one this API gave out');
  return { keys: k as (string | number)[], caseId: id };
}

function invalid(message: string): ValidationError {
  return new ValidationError([{ field: 'cursor', code: 'invalid_cursor', message }]);
}
