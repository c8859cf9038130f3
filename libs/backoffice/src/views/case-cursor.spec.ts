import { ValidationError } from '@shiming/common';
import { decodeCaseCursor, encodeCaseCursor } from './case-cursor';

const caseId = '6b0c2a4e-1f1d-4c55-9b1e-3f0f6e2d8a11';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors[0]?.code;
    throw error;
  }
  return undefined;
}

describe('case list cursor', () => {
  it('gives back the position it was made from, for the same order', () => {
    const at = { keys: ['2026-12-07 20:22:40.123456+00'], caseId };
    expect(decodeCaseCursor(encodeCaseCursor('opened', 'desc', at), 'opened', 'desc')).toEqual(at);
    const queue = { keys: [0, 'infinity'], caseId };
    expect(decodeCaseCursor(encodeCaseCursor('queue', 'asc', queue), 'queue', 'asc')).toEqual(
      queue,
    );
  });

  it('reads the queue cursors given out before sorting existed', () => {
    const old = Buffer.from(JSON.stringify([1, '2026-12-09T15:59:00.000Z', caseId])).toString(
      'base64url',
    );
    expect(decodeCaseCursor(old, 'queue', 'asc')).toEqual({
      keys: [1, '2026-12-09T15:59:00.000Z'],
      caseId,
    });
  });

  it('refuses a cursor of another order, or one it never gave out', () => {
    const cursor = encodeCaseCursor('opened', 'asc', { keys: ['2026-12-07 20:22:40+00'], caseId });
    expect(codeOf(() => decodeCaseCursor(cursor, 'opened', 'desc'))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCaseCursor(cursor, 'decided', 'asc'))).toBe('invalid_cursor');
    expect(codeOf(() => decodeCaseCursor('nope', 'queue', 'asc'))).toBe('invalid_cursor');
    const injected = Buffer.from(
      JSON.stringify({ s: 'opened', o: 'asc', k: ["now()'; --"], id: caseId }),
    ).toString('base64url');
    expect(codeOf(() => decodeCaseCursor(injected, 'opened', 'asc'))).toBe('invalid_cursor');
    const badId = Buffer.from(
      JSON.stringify({ s: 'opened', o: 'asc', k: ['2026-12-07 20:22:40+00'], id: 'x' }),
    ).toString('base64url');
    expect(codeOf(() => decodeCaseCursor(badId, 'opened', 'asc'))).toBe('invalid_cursor');
  });
});
