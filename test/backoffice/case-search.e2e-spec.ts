import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReadYourWrites } from '@shiming/event-store';
import { newCardNumber, newIdNumber, newMobile, Sandbox, type Staff } from '../support/journey';
import { manualReviewCase, rejectedThenResubmitted } from '../support/cases';

type Item = { id: string; accountId: string; decidedBy: string | null; reasonCode: string | null };

describe('back office: search, filters, sorting and cursor paging of cases', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  const ids = (body: { items: Item[] }) => body.items.map((c) => c.id);
  const search = (staff: Staff, body: object) => staff.post('/v1/backoffice/cases/search', body);
  /** The list once its read model shows what `until` waits for. */
  const listUntil = async (
    staff: Staff,
    query: Record<string, string>,
    until: (items: Item[]) => boolean,
  ) => (await staff.queueUntil(query, (items) => until(items as Item[]))) as Item[];
  const searchUntil = async (staff: Staff, body: object, until: (items: Item[]) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await search(staff, body).expect(200);
      if (until(answer.body.items)) return answer.body.items as Item[];
      if (Date.now() > deadline) throw new Error(`Search never matched: ${answer.text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const searches = async (staffId: string) =>
    (await sandbox.app.get(DataSource).query(
      `SELECT stream_id, data, metadata FROM es_events
        WHERE event_type = 'PersonalDataSearched' AND data->>'staffId' = $1
        ORDER BY global_position`,
      [staffId],
    )) as { stream_id: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[];

  it('finds a case by its id and by the account id, exactly', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const other = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    expect(
      ids({ items: await listUntil(reviewer, { caseId }, (items) => items.length > 0) }),
    ).toEqual([caseId]);
    const miss = await reviewer
      .get('/v1/backoffice/cases')
      .query({ caseId: randomUUID() })
      .expect(200);
    expect(miss.body).toEqual({ items: [], nextCursor: null });
    const byAccount = await listUntil(
      reviewer,
      { accountId: account.accountId },
      (items) => items.length > 0,
    );
    expect(ids({ items: byAccount })).toEqual([caseId]);
    expect(ids({ items: byAccount })).not.toContain(other.caseId);
    const bad = await reviewer.get('/v1/backoffice/cases').query({ caseId: 'nope' }).expect(422);
    expect(JSON.parse(bad.text)).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ field: 'caseId', code: 'invalid_case_id' })],
    });
  });

  it('finds a case by ID number through the blind index, and records the search without the value', async () => {
    const idNumber = newIdNumber('999');
    const { caseId } = await manualReviewCase(sandbox, idNumber);
    const bystander = await manualReviewCase(sandbox, newIdNumber('999'));
    const reviewer = await sandbox.staff(['reviewer']);
    const hit = await searchUntil(reviewer, { idNumber }, (items) => items.length > 0);
    expect(ids({ items: hit })).toEqual([caseId]);
    // Lower-case check letter or spaces: the same number.
    const spaced = await search(reviewer, { idNumber: ` ${idNumber.toLowerCase()} ` }).expect(200);
    expect(ids(spaced.body)).toEqual([caseId]);
    // A valid number nobody gave finds nothing, and nor does one close to another's.
    const miss = await search(reviewer, { idNumber: newIdNumber('999') }).expect(200);
    expect(miss.body).toEqual({ items: [], nextCursor: null });
    await listUntil(reviewer, { caseId: bystander.caseId }, (items) => items.length > 0);
    expect(ids(miss.body)).not.toContain(bystander.caseId);

    const recorded = await searches(reviewer.id);
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(recorded[recorded.length - 2].data).toMatchObject({
      staffId: reviewer.id,
      by: 'idNumber',
      caseIds: [caseId],
      nextPage: false,
    });
    expect(recorded[recorded.length - 1].data).toMatchObject({ by: 'idNumber', caseIds: [] });
    expect(recorded[0].metadata).toMatchObject({ actor: { type: 'staff', id: reviewer.id } });
    const stored = JSON.stringify(recorded);
    expect(stored).not.toContain(idNumber);
    expect(stored).not.toContain(idNumber.slice(6, 14));
  });

  it('refuses a search without exactly one valid value, as 422 with a stable code', async () => {
    const reviewer = await sandbox.staff(['reviewer']);
    const none = await search(reviewer, {}).expect(422);
    expect(JSON.parse(none.text)).toMatchObject({
      errors: [expect.objectContaining({ code: 'search_value_required' })],
    });
    const both = await search(reviewer, { idNumber: newIdNumber(), mobile: newMobile() }).expect(
      422,
    );
    expect(JSON.parse(both.text)).toMatchObject({
      errors: [expect.objectContaining({ code: 'search_value_required' })],
    });
    const badNumber = await search(reviewer, { idNumber: '110101199003071234' }).expect(422);
    expect(JSON.parse(badNumber.text)).toMatchObject({
      errors: [expect.objectContaining({ field: 'idNumber', code: 'invalid_id_number' })],
    });
    // The refused value is not echoed back.
    expect(badNumber.text).not.toContain('110101199003071234');
    const badMobile = await search(reviewer, { mobile: '12345' }).expect(422);
    expect(JSON.parse(badMobile.text)).toMatchObject({
      errors: [expect.objectContaining({ field: 'mobile', code: 'invalid_mobile' })],
    });
    expect(await searches(reviewer.id)).toEqual([]);
  });

  it('finds a case by the mobile its identity later gave with a card, and only that one', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.waitForState('bank_card_required');
    const mobile = newMobile();
    await account.submitCard(newCardNumber(), mobile);
    // Found once the card is in; decided in the list once its read model has the decision.
    const hit = await searchUntil(
      reviewer,
      { mobile },
      (items) => items.length > 0 && items[0].decidedBy !== null,
    );
    expect(ids({ items: hit })).toEqual([caseId]);
    expect(hit[0]).toMatchObject({ decidedBy: reviewer.id, reasonCode: null });
    const formatted = await search(reviewer, { mobile: `+86 ${mobile}` }).expect(200);
    expect(ids(formatted.body)).toEqual([caseId]);
    const miss = await search(reviewer, { mobile: newMobile() }).expect(200);
    expect(miss.body.items).toEqual([]);
    const recorded = await searches(reviewer.id);
    // One record per search: the wait for the decision may have searched more than once.
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(new Set(recorded.map((r) => r.data.by))).toEqual(new Set(['mobile']));
    expect(recorded[recorded.length - 1].data).toMatchObject({ caseIds: [] });
    expect(JSON.stringify(recorded)).not.toContain(mobile.slice(3));
  });

  it('finds by mobile a card given before the mobile lookup existed, once the lookup has caught up with the log', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.waitForState('bank_card_required');
    const mobile = newMobile();
    await account.submitCard(newCardNumber(), mobile);
    await searchUntil(reviewer, { mobile }, (items) => items.length > 0);
    // The subscription has read the card too (else it would put the row back below).
    const db = sandbox.app.get(DataSource);
    const [card] = (await db.query(
      `SELECT transaction_id::text AS "transactionId", global_position::text AS "globalPosition"
         FROM es_events WHERE event_type = 'BankCardSubmitted' AND stream_id = $1`,
      [`verification-${account.accountId}`],
    )) as { transactionId: string; globalPosition: string }[];
    const read = await sandbox.app
      .get(ReadYourWrites)
      .waitForPosition(
        'verification-identity-mobiles',
        { transactionId: BigInt(card.transactionId), globalPosition: BigInt(card.globalPosition) },
        20_000,
      );
    expect(read).toBe(true);
    // The database of the release before: the card is in the log, its mobile not in the
    // lookup, and the subscription that fills the lookup from the log has not run yet.
    await db.query(
      `DELETE FROM identity_mobiles
        WHERE subject_id = (SELECT subject_id FROM case_queue WHERE case_id = $1)`,
      [caseId],
    );
    expect((await search(reviewer, { mobile }).expect(200)).body.items).toEqual([]);
    await db.query(
      `DELETE FROM es_checkpoints WHERE subscription_id = 'verification-identity-mobiles'`,
    );
    // It reads the log from the start, and decrypts the card's mobile with the identity's key.
    const found = await searchUntil(reviewer, { mobile }, (items) => items.length > 0);
    expect(ids({ items: found })).toEqual([caseId]);
    const rows = await db.query(
      `SELECT count(*)::int AS n FROM identity_mobiles
        WHERE subject_id = (SELECT subject_id FROM case_queue WHERE case_id = $1)`,
      [caseId],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('a case is found by the identity it was opened for, not by one the account gave later', async () => {
    const { reviewer, reviewed, later } = await rejectedThenResubmitted(sandbox);
    await searchUntil(reviewer, { idNumber: reviewed }, (items) => items.length > 0);
    expect((await search(reviewer, { idNumber: later }).expect(200)).body.items).toEqual([]);
  });

  it('filters by who decided, the reason, status, kind and dates; sorts by decision time', async () => {
    const reviewer = await sandbox.staff(['reviewer']);
    const other = await sandbox.staff(['reviewer']);
    const made: string[] = [];
    for (const [who, reason] of [
      [reviewer, 'certificates_mismatch'],
      [reviewer, 'certificates_expired'],
      [other, 'certificates_mismatch'],
    ] as const) {
      const { caseId } = await manualReviewCase(sandbox);
      await who.take(caseId);
      await who.decide(caseId, { outcome: 'reject', reasonCode: reason }).expect(200);
      made.push(caseId);
    }
    const mine = await listUntil(
      reviewer,
      { decidedBy: reviewer.id },
      (items) => items.length === 2,
    );
    // Decision filters list decided cases, newest decision first when asked.
    expect(ids({ items: mine }).sort()).toEqual([made[0], made[1]].sort());
    const newest = await reviewer
      .get('/v1/backoffice/cases')
      .query({ decidedBy: reviewer.id, sort: 'decided', order: 'desc' })
      .expect(200);
    expect(ids(newest.body)).toEqual([made[1], made[0]]);
    const byReason = await listUntil(
      reviewer,
      { reasonCode: 'certificates_mismatch', status: 'decided', kind: 'manual_review' },
      (items) => items.filter((c) => made.includes(c.id)).length === 2,
    );
    expect(byReason.every((c) => c.reasonCode === 'certificates_mismatch')).toBe(true);
    expect(ids({ items: byReason })).not.toContain(made[1]);
    const future = new Date(Date.now() + 86_400_000 * 365).toISOString();
    const none = await reviewer
      .get('/v1/backoffice/cases')
      .query({ decidedBy: reviewer.id, decidedFrom: future })
      .expect(200);
    expect(none.body.items).toEqual([]);
    const opened = await reviewer
      .get('/v1/backoffice/cases')
      .query({ decidedBy: reviewer.id, openedTo: future, openedFrom: '2000-01-01T00:00:00Z' })
      .expect(200);
    expect(opened.body.items).toHaveLength(2);
    const badDate = await reviewer
      .get('/v1/backoffice/cases')
      .query({ openedFrom: 'yesterday' })
      .expect(422);
    expect(JSON.parse(badDate.text)).toMatchObject({
      errors: [expect.objectContaining({ field: 'openedFrom', code: 'invalid_date' })],
    });
    const badSort = await reviewer.get('/v1/backoffice/cases').query({ sort: 'name' }).expect(422);
    expect(JSON.parse(badSort.text)).toMatchObject({
      errors: [expect.objectContaining({ field: 'sort', code: 'invalid_sort' })],
    });
  });

  it('pages by cursor without skipping or repeating a case while new ones arrive', async () => {
    const reviewer = await sandbox.staff(['reviewer']);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push((await manualReviewCase(sandbox)).caseId);
    const query = { kind: 'manual_review', status: 'all', sort: 'opened', order: 'asc' };
    const everything = await listUntil(reviewer, { ...query, limit: '100' }, (items) =>
      made.every((id) => items.some((c) => c.id === id)),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = false;
    do {
      const page: { body: { items: Item[]; nextCursor: string | null } } = await reviewer
        .get('/v1/backoffice/cases')
        .query({ ...query, limit: '2', ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
      if (!inserted) {
        // A case opened meanwhile comes after every case already listed, once.
        made.push((await manualReviewCase(sandbox)).caseId);
        await listUntil(reviewer, { caseId: made[made.length - 1] }, (items) => items.length > 0);
        inserted = true;
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, everything.length)).toEqual(ids({ items: everything }));
    expect(seen).toContain(made[made.length - 1]);

    const first = await reviewer
      .get('/v1/backoffice/cases')
      .query({ ...query, limit: '1' })
      .expect(200);
    const otherOrder = await reviewer
      .get('/v1/backoffice/cases')
      .query({ ...query, order: 'desc', cursor: first.body.nextCursor })
      .expect(422);
    expect(JSON.parse(otherOrder.text)).toMatchObject({
      errors: [expect.objectContaining({ field: 'cursor', code: 'invalid_cursor' })],
    });
  });

  it('a support agent searches appeals only; nobody finds cases about their own account', async () => {
    const idNumber = newIdNumber('999');
    const { account, caseId } = await manualReviewCase(sandbox, idNumber);
    const reviewer = await sandbox.staff(['reviewer']);
    await searchUntil(reviewer, { idNumber }, (items) => items.length > 0);
    const support = await sandbox.staff(['support']);
    expect((await search(support, { idNumber }).expect(200)).body.items).toEqual([]);
    await search(support, { idNumber, kind: 'manual_review' }).expect(403);
    const self = await sandbox.staff(['reviewer'], account.accountId);
    expect((await search(self, { idNumber }).expect(200)).body.items).toEqual([]);
    const byId = await self.get('/v1/backoffice/cases').query({ caseId }).expect(200);
    expect(byId.body.items).toEqual([]);
  });
});
