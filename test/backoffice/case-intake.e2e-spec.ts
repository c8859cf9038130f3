import { randomUUID } from 'node:crypto';
import { manualReviewCase } from '../support/cases';
import { Sandbox } from '../support/journey';

// A case the user was given but the back office has not opened, because no worker runs
// the intake: staff are told to come back (503 with Retry-After), never that there is
// no such case; a case no account ever asked for is 404 at once.
describe('back office: a case that is still being opened', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    await sandbox.stopWorker();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('answers 503 case_opening with Retry-After while the intake has not opened it', async () => {
    const { caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    const answers = await Promise.all([
      reviewer.get(`/v1/backoffice/cases/${caseId}`),
      reviewer.claim(caseId),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'case_opening' });
    }
  });

  it('answers 404 at once for a case no account ever asked for', async () => {
    const reviewer = await sandbox.staff(['reviewer']);
    const unknown = await reviewer.claim(randomUUID()).expect(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'not_found' });
    await reviewer.get(`/v1/backoffice/cases/${randomUUID()}`).expect(404);
  });
});
