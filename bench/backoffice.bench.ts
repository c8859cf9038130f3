import { CaseQueueRepository } from '@shiming/backoffice/infrastructure/case-queue.repository';
import type { QueueFilter } from '@shiming/backoffice/infrastructure/case-queue.repository';
import {
  CaseSearchRepository,
  type CaseSearchFilter,
} from '@shiming/backoffice/infrastructure/case-search.repository';
import { DataSource } from 'typeorm';
import { ms, percentiles } from './support';

const DECIDED = 1_000_000;
const OPEN = 10_000;
const ROUNDS = 300;

/**
 * The back office's first page with a million decided cases and ten thousand open ones,
 * for the filters staff use, next to a primary-key lookup of one row in the same table
 * (the floor of any query there).
 */
export async function benchBackofficeQueue(dataSource: DataSource) {
  console.log(`\n## Back-office queue: first page of 50, ${DECIDED} decided + ${OPEN} open\n`);
  const started = performance.now();
  await fill(dataSource);
  console.log(`(filled in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  const queue = new CaseQueueRepository(dataSource);
  const [{ case_id: someId }] = await dataSource.query(
    `SELECT case_id FROM case_queue WHERE status = 'open' LIMIT 1`,
  );
  const lookup = await measure(() => queue.find(someId));
  const firstPage = (filter: Omit<QueueFilter, 'limit'>) => () =>
    queue.page({ ...filter, limit: 51 });
  const [second] = await queue.page({ kinds: ['manual_review'], status: 'active', limit: 51 });
  const cases: [string, () => Promise<unknown>][] = [
    [
      'every undecided case (a supervisor)',
      firstPage({ kinds: ['manual_review', 'appeal'], status: 'active' }),
    ],
    ['manual reviews, undecided', firstPage({ kinds: ['manual_review'], status: 'active' })],
    ['appeals, open', firstPage({ kinds: ['appeal'], status: 'open' })],
    ['manual reviews, escalated', firstPage({ kinds: ['manual_review'], status: 'escalated' })],
    ['manual reviews, decided', firstPage({ kinds: ['manual_review'], status: 'decided' })],
    [
      'a later page (cursor)',
      () =>
        queue.page({
          kinds: ['manual_review'],
          status: 'active',
          limit: 51,
          after: { rank: second.rank, dueSort: second.dueSort, caseId: second.caseId },
        }),
    ],
    ['"next case" candidates', () => queue.claimable(['manual_review'], 'bench-staff', 20)],
  ];
  console.log('| query | p50 | p99 | p99 vs one-row lookup |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| one row by primary key (baseline) | ${ms(lookup.p50)} | ${ms(lookup.p99)} | 1.0× |`,
  );
  for (const [name, run] of cases) {
    const latency = await measure(run);
    console.log(
      `| ${name} | ${ms(latency.p50)} | ${ms(latency.p99)} | ${(latency.p99 / lookup.p99).toFixed(1)}× |`,
    );
  }
  await benchCaseSearch(dataSource);
}

// How deep the "deep page" starts: this many rows into the order (or half the matches).
const DEEP = 100_000;

/**
 * The case list's search, filters and sorts on the same million decided cases: the first
 * page and a page deep in the order (reached by cursor), each against the unfiltered
 * first page of the same run.
 */
async function benchCaseSearch(dataSource: DataSource) {
  console.log(
    `\n## Case list: search, filters, sorts; pages of 50 (deep: up to ${DEEP} rows in)\n`,
  );
  const search = new CaseSearchRepository(dataSource);
  const base: Omit<CaseSearchFilter, 'limit'> = {
    kinds: ['manual_review', 'appeal'],
    status: 'all',
    sort: 'opened',
    order: 'desc',
  };
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const filters: [string, Omit<CaseSearchFilter, 'limit'>, boolean][] = [
    ['every case, newest opened first (baseline)', base, true],
    [
      'by ID number or mobile (one subject)',
      { ...base, subjects: ['identity:bench-123457'] },
      false,
    ],
    ['by account id', { ...base, accountId: 'acct-123457' }, false],
    ['decided, newest decision first', { ...base, status: 'decided', sort: 'decided' }, true],
    ['decided by one reviewer (of 40)', { ...base, decidedBy: 'rev-7', sort: 'decided' }, true],
    [
      'by reason code (of 4)',
      { ...base, reasonCode: 'certificates_mismatch', sort: 'decided' },
      true,
    ],
    [
      'one reviewer and one reason',
      { ...base, decidedBy: 'rev-7', reasonCode: 'certificates_expired', sort: 'decided' },
      true,
    ],
    ['decided in the last 30 days', { ...base, decidedFrom: daysAgo(30), sort: 'decided' }, true],
    [
      'opened in one week, oldest first',
      { ...base, openedFrom: daysAgo(180), openedTo: daysAgo(173), order: 'asc' },
      true,
    ],
    [
      'appeals, decided, newest opened first',
      { ...base, kinds: ['appeal'], status: 'decided' },
      true,
    ],
    ['every case, queue order', { ...base, sort: 'queue', order: 'asc' }, true],
    [
      'manual reviews by due time',
      { ...base, kinds: ['manual_review'], sort: 'due', order: 'asc' },
      true,
    ],
    [
      "one assignee's undecided cases, queue order",
      { ...base, status: 'active', assignee: 'rev-7', sort: 'queue', order: 'asc' },
      false,
    ],
  ];
  console.log(
    '| filter and sort | first page p50 | p99 | p50 × baseline | deep page p50 | p99 | p50 × baseline |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  let baseline: { p50: number; p99: number } | undefined;
  for (const [name, filter, deep] of filters) {
    const first = await measure(() => search.page({ ...filter, limit: 51 }));
    baseline ??= first;
    let deepCells = '– | – | –';
    if (deep) {
      const matches = (await search.page({ ...filter, limit: DEEP + 1 })).length;
      const depth = Math.max(1, Math.min(DEEP, Math.floor(matches / 2)));
      const [row] = (await search.page({ ...filter, limit: depth })).slice(-1);
      if (!row) throw new Error(`No rows for "${name}"`);
      const later = await measure(() => search.page({ ...filter, limit: 51, after: row.position }));
      deepCells = `${ms(later.p50)} | ${ms(later.p99)} | ${(later.p50 / baseline.p50).toFixed(1)}×`;
    }
    console.log(
      `| ${name} | ${ms(first.p50)} | ${ms(first.p99)} | ${(first.p50 / baseline.p50).toFixed(1)}× | ${deepCells} |`,
    );
  }
}

async function measure(run: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return percentiles(samples);
}

/** Rows as the projection writes them: decided over the last year, open over two days. */
async function fill(dataSource: DataSource) {
  await dataSource.query(
    `INSERT INTO case_queue (case_id, kind, status, escalated, rank, due_sort, due_at,
       account_id, assignee, opened_at, escalated_at, decided_at, outcome, paused_ms,
       document_count, version, subject_id, decided_by, reason_code)
     SELECT gen_random_uuid(),
            CASE WHEN i % 5 = 0 THEN 'appeal' ELSE 'manual_review' END,
            'decided', i % 50 = 0, 1,
            now() - (i % 525600) * interval '1 minute' + interval '2 days',
            now() - (i % 525600) * interval '1 minute' + interval '2 days',
            'acct-' || i, 'rev-' || (i % 40),
            now() - (i % 525600) * interval '1 minute',
            CASE WHEN i % 50 = 0 THEN now() - (i % 525600) * interval '1 minute' + interval '2 days' END,
            now() - (i % 525600) * interval '1 minute' + interval '1 hour',
            CASE WHEN i % 3 = 0 THEN 'rejected' ELSE 'approved' END, 0, 2, 5,
            'identity:bench-' || i, 'rev-' || (i % 40),
            CASE WHEN i % 3 = 0 THEN (ARRAY['certificates_mismatch', 'certificates_expired',
              'certificates_unreadable', 'suspected_fraud'])[(i / 3) % 4 + 1] END
       FROM generate_series(1, $1) AS i`,
    [DECIDED],
  );
  await dataSource.query(
    `INSERT INTO case_queue (case_id, kind, status, escalated, rank, due_sort, due_at,
       account_id, assignee, claimed_at, opened_at, escalated_at, paused_ms, document_count, version)
     SELECT gen_random_uuid(),
            CASE WHEN i % 5 = 0 THEN 'appeal' ELSE 'manual_review' END,
            CASE WHEN i % 4 = 0 THEN 'claimed' ELSE 'open' END,
            i % 100 = 0, CASE WHEN i % 100 = 0 THEN 0 ELSE 1 END,
            now() + (i % 2880) * interval '1 minute',
            now() + (i % 2880) * interval '1 minute',
            'open-acct-' || i,
            CASE WHEN i % 4 = 0 THEN 'rev-' || (i % 40) END,
            CASE WHEN i % 4 = 0 THEN now() END,
            now() - interval '1 hour',
            CASE WHEN i % 100 = 0 THEN now() END, 0, 2, 2
       FROM generate_series(1, $1) AS i`,
    [OPEN],
  );
  await dataSource.query('VACUUM ANALYZE case_queue');
}
