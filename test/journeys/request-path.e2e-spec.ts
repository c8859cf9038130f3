import { PiiVault } from '@shiming/common';
import { EventStore } from '@shiming/event-store';
import { newIdNumber, Sandbox } from '../support/journey';

// What one step costs on its way through: the account's stream is read by the command
// that decides the step and by the one that records the outside party's answer, and
// nothing the request has in clear is decrypted again. Measured on an api without a
// worker, so that only the request's own work is counted.
describe('journeys: the path of one identity submission', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    await sandbox.stopWorker();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('reads the account stream once and decrypts nothing it just encrypted', async () => {
    const account = await sandbox.account();
    await account.start();
    const stream = `verification-${account.accountId}`;
    const reads = jest.spyOn(sandbox.app.get(EventStore), 'readStream');
    const decrypts = jest.spyOn(sandbox.app.get(PiiVault), 'decrypt');
    const decryptsAll = jest.spyOn(sandbox.app.get(PiiVault), 'decryptAll');
    try {
      const answer = await account.submitIdentity(newIdNumber());
      // The authority answered on the request's fast path: the answer shows it.
      expect(answer.state).toBe('identity_verified');
      // The step checks a guess (the payment password): it reads first. The answer's
      // command is decided on the state the step committed, unread.
      expect(reads.mock.calls.filter(([streamId]) => streamId === stream)).toHaveLength(1);
      expect(decrypts).not.toHaveBeenCalled();
      expect(decryptsAll).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
      decrypts.mockRestore();
      decryptsAll.mockRestore();
    }
  });
});
