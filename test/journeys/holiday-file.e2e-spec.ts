import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmAppealDeadlines } from '@shiming/verification';
import { CLOCK, TestClock, workingDayCalendar, type HolidaySupplement } from '@shiming/workflow';
import { png, Sandbox, type Staff } from '../support/journey';
import { appealCase, disputedIdentity } from '../support/cases';

// The package's holiday data ends with its last year; an operator adds the next one,
// published by the State Council, in HOLIDAYS_FILE. The arrangement below is made up
// to test the mechanism; it is not the official one.
const packaged = workingDayCalendar(null);
const last = packaged.coveredYears().to;
const next = last + 1;
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const days = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });
// The year's first two weekdays off: without them, the count would end earlier.
const daysOff = days(`${next}-01-01`, 7)
  .filter((d) => !isWeekend(d))
  .slice(0, 2);
const supplement: HolidaySupplement = {
  source: 'test arrangement',
  years: { [next]: { daysOff, makeUpWorkingDays: [] } },
};
// Late on 29 December of the last year: three working days later is in the next.
const filedAt = new Date(`${last}-12-29T20:00:00+08:00`);

describe('journeys: an appeal due in a year the operator added (HOLIDAYS_FILE)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-holidays-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function sandboxAt(env: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
    const sandbox = await Sandbox.start(env);
    await sandbox.app.get<TestClock>(CLOCK).set(filedAt);
    return sandbox;
  }

  it('dates the appeal by the added days off', async () => {
    const file = join(dir, 'holidays.json');
    await writeFile(file, JSON.stringify(supplement));
    const sandbox = await sandboxAt({ HOLIDAYS_FILE: file });
    try {
      const { caseId } = await appealCase(sandbox);
      const support = await sandbox.staff(['support']);
      const opened = await support.caseOf(caseId);
      // Counted here by hand: the last year's days by the package, the next by the file.
      const working = days(`${last}-12-30`, 20).filter((d) =>
        d.startsWith(`${last}-`) ? packaged.isWorkingDay(d) : !isWeekend(d) && !daysOff.includes(d),
      );
      expect(opened.dueAt).toBe(new Date(`${working[2]}T23:59:59.999+08:00`).toISOString());
      expect(working[2] > daysOff[1]).toBe(true);
    } finally {
      await sandbox.stop();
    }
  });

  it('with provisional deadlines off, refuses the appeal with 503 calendar_out_of_range without the file; the process stays put', async () => {
    const sandbox = await sandboxAt({ CALENDAR_PROVISIONAL_DEADLINES: 'false' });
    try {
      const { account } = await disputedIdentity(sandbox);
      const refused = await account.upload('/v1/verification/appeal', {
        certificates: [png(), png()],
      });
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text)).toMatchObject({ code: 'calendar_out_of_range' });
      expect((await account.status()).state).toBe('identity_occupied');
    } finally {
      await sandbox.stop();
    }
  });

  describe('without the file: a provisional due time, confirmed once the file is loaded', () => {
    const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
    const span = days(`${last}-12-30`, 20);
    // The last year's days by the package, the next by the weekday rule, then by the file.
    const byWeekdays = span.filter((d) =>
      d.startsWith(`${last}-`) ? packaged.isWorkingDay(d) : !isWeekend(d),
    );
    const official = span.filter((d) =>
      d.startsWith(`${last}-`) ? packaged.isWorkingDay(d) : !isWeekend(d) && !daysOff.includes(d),
    );
    const provisionalDue = endOf(byWeekdays[2]);
    const officialDue = endOf(official[2]);

    async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > deadline) throw new Error(`Never reached: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    const caseOf = (staff: Staff, caseId: string) =>
      until(
        () => staff.get(`/v1/backoffice/cases/${caseId}`),
        (response) => response.status === 200,
      ).then((response) => response.body as Record<string, unknown>);

    it('accepts the appeal, recomputes its due time with the new data, and escalates at the new time only', async () => {
      expect(officialDue > provisionalDue).toBe(true);
      const file = join(dir, 'holidays-later.json');
      await writeFile(file, JSON.stringify(supplement));
      const sandbox = await sandboxAt();
      try {
        const { account, caseId } = await appealCase(sandbox);
        const filed = await account.status();
        expect(filed.deadlines).toEqual({ appealDueAt: provisionalDue, provisional: true });
        expect(filed.case).toMatchObject({ id: caseId, dueAt: provisionalDue, provisional: true });
        const supervisor = await sandbox.staff(['supervisor']);
        const notices = async (staff: Staff) =>
          (await staff.get('/v1/backoffice/notifications').expect(200)).body.items as {
            kind: string;
          }[];
        expect((await notices(supervisor))[0]).toMatchObject({
          kind: 'calendar_runway',
          caseId: null,
          calendar: { lastCoveredDate: `${last}-12-31`, daysLeft: 2 },
          // In the reader's language (Chinese unless asked otherwise).
          message: expect.stringContaining(`官方节假日数据截至 ${last}-12-31（还剩 2 天）`),
        });
        expect(await caseOf(supervisor, caseId)).toMatchObject({
          dueAt: provisionalDue,
          dueProvisional: true,
        });
        // The queue's list marks it too, from its read model.
        const listed = (staff: Staff) =>
          staff
            .get('/v1/backoffice/cases?kind=appeal')
            .expect(200)
            .then(
              (response) =>
                (response.body.items as { id: string; dueProvisional: boolean }[]).find(
                  (item) => item.id === caseId,
                ) ?? null,
            );
        expect(
          await until(
            () => listed(supervisor),
            (item) => item !== null,
          ),
        ).toMatchObject({
          dueAt: provisionalDue,
          dueProvisional: true,
        });

        // The operator adds the next year and redeploys; two workers confirm at once.
        await sandbox.restart({ HOLIDAYS_FILE: file });
        const confirmer = sandbox.app.get(ConfirmAppealDeadlines);
        const runs = await Promise.all([confirmer.run(), confirmer.run()]);
        expect(runs.map((r) => r.confirmed).sort()).toEqual([0, 1]);
        expect(await confirmer.run()).toEqual({ provisional: 0, confirmed: 0 });

        const confirmed = await account.status();
        expect(confirmed.deadlines).toEqual({ appealDueAt: officialDue });
        expect(confirmed.case).toMatchObject({ id: caseId, dueAt: officialDue });
        expect(confirmed.case).not.toHaveProperty('provisional');
        const viewer = await sandbox.staff(['supervisor']);
        expect((await notices(viewer)).map((n) => n.kind)).not.toContain('calendar_runway');
        expect(
          await until(
            () => caseOf(viewer, caseId),
            (c) => c.dueProvisional === false,
          ),
        ).toMatchObject({ dueAt: officialDue, escalated: false });
        expect(
          await until(
            () => listed(viewer),
            (item) => item?.dueProvisional === false,
          ),
        ).toMatchObject({ dueAt: officialDue });

        // Past the old due time nothing fires; past the new one the SLA escalates the case.
        const clock = sandbox.app.get<TestClock>(CLOCK);
        await clock.set(new Date(Date.parse(provisionalDue) + 60_000));
        await sandbox.advance('PT1M');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await caseOf(viewer, caseId)).toMatchObject({ escalated: false });
        await clock.set(new Date(Date.parse(officialDue) - 60_000));
        await sandbox.advance('PT2M');
        const escalated = await until(
          () => caseOf(viewer, caseId),
          (c) => c.escalated === true,
        );
        // The sandbox fires a timer at its due instant: this one was re-armed to the new time.
        expect(escalated.escalatedAt).toBe(officialDue);
      } finally {
        await sandbox.stop();
      }
    });
  });
});
