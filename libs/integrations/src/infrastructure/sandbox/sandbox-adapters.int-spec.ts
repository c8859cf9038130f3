import { dataSourceOptions } from '@shiming/common';
import type { Clock } from '@shiming/workflow';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { AuthorityUnavailableError } from '../../identity-authority.port';
import { integrationsMigrations } from '../../migrations';
import { DepositConflictError, DepositNotFoundError } from '../../payout.port';
import { SandboxBank } from './sandbox-bank';
import { SandboxBoundCards } from './sandbox-bound-cards';
import { PgAuthorityCallCounter, SandboxIdentityAuthority } from './sandbox-identity-authority';
import { SandboxSmsGateway } from './sandbox-sms-gateway';

const HOUR = 3_600_000;

class ManualClock implements Clock {
  private current = new Date('2026-03-02T02:00:00.000Z');
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

describe('sandbox simulators on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const clock = new ManualClock();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: integrationsMigrations, poolSize: 4 }),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  describe('SMS inbox', () => {
    it('shows the messages sent to a mobile, newest first, and no one else’s', async () => {
      const sms = new SandboxSmsGateway(dataSource, clock);
      const first = await sms.send('13900000001', 'Your code is 111111');
      clock.advance(1000);
      const second = await sms.send('13900000001', 'Your code is 222222');
      await sms.send('13900000002', 'Your code is 333333');
      // Same instant: the later send still comes first.
      const third = await sms.send('13900000001', 'Your code is 444444');

      const inbox = await sms.inbox('13900000001');
      expect(inbox.map((m) => m.messageId)).toEqual([
        third.messageId,
        second.messageId,
        first.messageId,
      ]);
      expect(inbox[0]).toEqual({
        messageId: third.messageId,
        mobile: '13900000001',
        text: 'Your code is 444444',
        sentAt: clock.now(),
      });
      expect(await sms.inbox('13900000009')).toEqual([]);
      expect(await sms.inbox('13900000001', 1)).toHaveLength(1);
    });
  });

  describe('bank deposits', () => {
    const card = '6222021234567890';

    it('shows a deposit only after its settlement, in yuan', async () => {
      const bank = new SandboxBank(dataSource, clock, 24 * HOUR);
      const sentAt = clock.now();
      const sent = await bank.send({ depositId: 'dep-1', cardNumber: card, amountFen: 37 });
      expect(sent.expectedSettlementAt).toEqual(new Date(sentAt.getTime() + 24 * HOUR));
      expect(await bank.depositsFor(card)).toEqual([]);

      clock.advance(24 * HOUR);
      const settled = await bank.settle('dep-1');
      expect(settled).toEqual({ depositId: 'dep-1', settledAt: clock.now() });
      expect(await bank.depositsFor(card)).toEqual([
        { depositId: 'dep-1', amountFen: 37, amount: '0.37', sentAt, settledAt: clock.now() },
      ]);
      // Spacing and dashes are the same card.
      expect(await bank.depositsFor('6222 0212-3456 7890')).toHaveLength(1);
      expect(await bank.depositsFor('6222020000000000')).toEqual([]);
    });

    it('settles once: a second firing returns the first settlement', async () => {
      const bank = new SandboxBank(dataSource, clock, HOUR);
      await bank.send({ depositId: 'dep-2', cardNumber: card, amountFen: 5 });
      clock.advance(HOUR);
      const first = await bank.settle('dep-2');
      clock.advance(HOUR);
      const [again, concurrent] = await Promise.all([bank.settle('dep-2'), bank.settle('dep-2')]);
      expect(again).toEqual(first);
      expect(concurrent).toEqual(first);
      expect((await bank.depositsFor(card)).filter((d) => d.depositId === 'dep-2')).toHaveLength(1);
    });

    it('answers a repeated send as the first, and refuses the id for another deposit', async () => {
      const bank = new SandboxBank(dataSource, clock, HOUR);
      const first = await bank.send({ depositId: 'dep-3', cardNumber: card, amountFen: 9 });
      clock.advance(5 * HOUR);
      await expect(
        bank.send({ depositId: 'dep-3', cardNumber: card, amountFen: 9 }),
      ).resolves.toEqual(first);
      await expect(
        bank.send({ depositId: 'dep-3', cardNumber: card, amountFen: 10 }),
      ).rejects.toBeInstanceOf(DepositConflictError);
    });

    it('refuses to settle a deposit never sent', async () => {
      await expect(new SandboxBank(dataSource, clock, HOUR).settle('nope')).rejects.toBeInstanceOf(
        DepositNotFoundError,
      );
    });

    it('keeps only a hash of the card number', async () => {
      const rows: { card_number_hash: string }[] = await dataSource.query(
        `SELECT card_number_hash FROM sandbox_bank_deposits`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.card_number_hash).not.toContain('1234567890');
    });
  });

  describe('bound cards', () => {
    it('finds the card bound to an account, the latest binding winning', async () => {
      const cards = new SandboxBoundCards(dataSource, clock);
      expect(await cards.findBoundCard('acc-bound')).toBeNull();
      await cards.bind('acc-bound', { cardNumber: '6222021111111111', mobile: '13800000001' });
      await cards.bind('acc-bound', { cardNumber: '6222022222222222', mobile: '13800000002' });
      expect(await cards.findBoundCard('acc-bound')).toEqual({
        cardNumber: '6222022222222222',
        mobile: '13800000002',
      });
      expect(await cards.findBoundCard('acc-other')).toBeNull();
      await cards.unbind('acc-bound');
      expect(await cards.findBoundCard('acc-bound')).toBeNull();
    });
  });

  describe('identity authority unavailability', () => {
    it('fails a 998 ID number N times across instances, then matches', async () => {
      const idNumber = '11010119900307998X';
      // Two instances stand for two processes (api and worker) sharing the count.
      const api = new SandboxIdentityAuthority(new PgAuthorityCallCounter(dataSource, clock), 2);
      const worker = new SandboxIdentityAuthority(new PgAuthorityCallCounter(dataSource, clock), 2);
      await expect(api.check({ name: '张三', idNumber })).rejects.toBeInstanceOf(
        AuthorityUnavailableError,
      );
      await expect(worker.check({ name: '张三', idNumber })).rejects.toBeInstanceOf(
        AuthorityUnavailableError,
      );
      await expect(worker.check({ name: '张三', idNumber })).resolves.toBe('match');
      await expect(
        api.check({ name: '张三', idNumber: '110101199003079981' }),
      ).rejects.toBeInstanceOf(AuthorityUnavailableError);
    });

    it('counts concurrent calls exactly', async () => {
      const counter = new PgAuthorityCallCounter(dataSource, clock);
      const counts = await Promise.all(
        Array.from({ length: 8 }, () => counter.next('110101199003079982')),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });
});
