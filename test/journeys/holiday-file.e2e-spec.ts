import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK, TestClock, workingDayCalendar, type HolidaySupplement } from '@shiming/workflow';
import { png, Sandbox } from '../support/journey';
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

  it('refuses the appeal with 503 calendar_out_of_range without the file; the process stays put', async () => {
    const sandbox = await sandboxAt();
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
});
