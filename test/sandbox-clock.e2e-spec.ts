import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { EventStore, EventTypeRegistry } from '@shiming/event-store';
import { TimerHandlerRegistry, TimerScheduler } from '@shiming/workflow';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, testConfig } from './support/app';
import { createTestDatabase, TestDatabase } from './support/test-database';

const DAY = 24 * 60 * 60 * 1000;

describe('sandbox clock', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true' }));
    app.get(EventTypeRegistry).register({ type: 'Reminder.Due', schemaVersion: 1 });
    const store = app.get(EventStore);
    app.get(TimerHandlerRegistry).register('reminder', async (timer, tx) => {
      await store.append(
        timer.streamId,
        'any',
        [{ id: timer.firingId, type: 'Reminder.Due', data: { at: timer.firedAt.toISOString() } }],
        {
          metadata: { actor: { type: 'system', id: 'timer' }, correlationId: timer.timerId },
          transaction: tx,
        },
      );
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function schedule(streamId: string, inMs: number) {
    const clock = await request(app.getHttpServer()).get('/v1/sandbox/clock').expect(200);
    const dueAt = new Date(Date.parse(clock.body.now) + inMs);
    const scheduler = app.get(TimerScheduler);
    await app
      .get<DataSource>(getDataSourceToken())
      .transaction((tx) => scheduler.schedule(tx, { streamId, kind: 'reminder', dueAt }));
    return dueAt;
  }

  it('advancing by three days fires a two-day timer, not a four-day one, in due order', async () => {
    const twoDays = `reminder-${randomUUID()}`;
    const fourDays = `reminder-${randomUUID()}`;
    const oneDay = `reminder-${randomUUID()}`;
    const dueTwo = await schedule(twoDays, 2 * DAY);
    await schedule(fourDays, 4 * DAY);
    const dueOne = await schedule(oneDay, 1 * DAY);
    const before = await request(app.getHttpServer()).get('/v1/sandbox/clock').expect(200);

    const advanced = await request(app.getHttpServer())
      .post('/v1/sandbox/clock/advance')
      .send({ duration: 'P3D' })
      .expect(200);

    const ours = advanced.body.fired.filter((t: { streamId: string }) =>
      [twoDays, fourDays, oneDay].includes(t.streamId),
    );
    expect(ours.map((t: { streamId: string }) => t.streamId)).toEqual([oneDay, twoDays]);
    expect(Date.parse(advanced.body.now) - Date.parse(before.body.now)).toBeGreaterThanOrEqual(
      3 * DAY,
    );
    const store = app.get(EventStore);
    const [fired] = await store.readStream(twoDays);
    expect(fired.data).toEqual({ at: dueTwo.toISOString() });
    expect((await store.readStream(oneDay))[0].data).toEqual({ at: dueOne.toISOString() });
    expect(await store.readStream(fourDays)).toEqual([]);
  });

  it('refuses a duration that is not ISO 8601 with a problem naming it', async () => {
    const response = await request(app.getHttpServer())
      .post('/v1/sandbox/clock/advance')
      .send({ duration: 'P1M' })
      .expect(422);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'invalid_duration' });
  });
});
