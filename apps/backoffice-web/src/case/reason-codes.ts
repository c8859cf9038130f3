import { getJson } from '../api/client';
import type { ReasonCodes } from '../api/types';

// The list changes with a release, not during a working day: fetched once per page load.
let cached: Promise<ReasonCodes> | null = null;

export function loadReasonCodes(): Promise<ReasonCodes> {
  cached ??= getJson<ReasonCodes>('/v1/backoffice/reason-codes').catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
