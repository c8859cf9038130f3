import { CommandBus } from '@nestjs/cqrs';
import { maskIdNumber, RequestFingerprinter } from '@shiming/common';
import { RebuildProjectionCommand } from '@shiming/event-store';
import { DataSource } from 'typeorm';
import { sandboxWithCapturedLogs } from '../support/captured-logs';
import {
  newCardNumber,
  newIdNumber,
  newMobile,
  png,
  Sandbox,
  type Account,
} from '../support/journey';
import { PersonalDataScan, type Candidate } from '../support/personal-data-scan';

// An identity taken away from the account that held it is erased (DESIGN §5): its data
// key, its documents, its occupancy hash. Nothing the service keeps — tables, events,
// documents, logs — lets anyone holding every key the service has recover what it was.
describe('journeys: erasure of an identity taken back by its owner', () => {
  let sandbox: Sandbox;
  let logs: string[] = [];

  beforeAll(async () => {
    ({ sandbox, logs } = await sandboxWithCapturedLogs());
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  /** An appeal filed by `account`, worked by support (documents viewed, fields revealed) and upheld. */
  async function upholdAppeal(account: Account): Promise<string> {
    const filed = await account
      .upload('/v1/verification/appeal', { certificates: [png(), png()] })
      .expect(202);
    const caseId = filed.body.case.id as string;
    const support = await sandbox.staff(['support']);
    const taken = await support.take(caseId);
    for (const document of taken.documents as { id: string }[]) {
      await support.get(`/v1/backoffice/cases/${caseId}/documents/${document.id}`).expect(200);
    }
    for (const field of ['name', 'idNumber']) {
      await support
        .post(`/v1/backoffice/cases/${caseId}/reveal`, {
          field,
          justification: 'Comparing the certificates with the applicant',
        })
        .expect(200);
    }
    await support.decide(caseId, { outcome: 'approve' }).expect(200);
    const supervisor = await sandbox.staff(['supervisor']);
    await supervisor.approve(caseId, { approve: true }).expect(200);
    return caseId;
  }

  it('leaves nothing from which an erased identity, its card, mobile or documents come back', async () => {
    // The first holder of an ID number: authenticated, with a card and a mobile.
    const idNumber = newIdNumber();
    const first = await sandbox.account();
    const firstCard = newCardNumber();
    const firstMobile = newMobile();
    await first.toPhotoStep(idNumber, '张三');
    await first.skipPhotos();
    await first.passBankCard(firstCard, firstMobile);

    // An account that says the identity is not the first holder's, and wins its appeal:
    // the first holder's identity is erased. Its case showed documents and was revealed.
    const holder = await sandbox.account();
    await holder.start();
    // With an Idempotency-Key, as the wallet sends it: the stored answer and the
    // request's fingerprint must go with the identity too.
    const submission = { name: '李四', idNumber, paymentPassword: '135790' };
    const submitted = await holder
      .post('/v1/verification/identity', submission, 'holder-identity-1')
      .expect(202);
    expect(submitted.body.state).toBe('identity_occupied');
    const fingerprint = await sandbox.app
      .get(RequestFingerprinter)
      .fingerprint({ method: 'POST', url: '/v1/verification/identity', body: submission }, [
        'paymentPassword',
      ]);
    expect(await storedFingerprints()).toContain(fingerprint);
    await holder.post('/v1/verification/occupancy', { decision: 'not_mine' }).expect(200);
    const holderCaseId = await upholdAppeal(holder);
    await holder.waitForState('identity_verified');
    await first.waitForState('identity_pending');

    // The new holder confirms, uploads ID photos and passes the bank card: all of it is
    // about to be erased in turn, when the owner comes.
    const holderCard = newCardNumber();
    const holderMobile = newMobile();
    await holder.confirm();
    await holder.uploadPhotos();
    await holder.waitForState('bank_card_required');
    await holder.passBankCard(holderCard, holderMobile);
    // A reveal with an Idempotency-Key: its answer (in clear) is never stored.
    const revealer = await sandbox.staff(['supervisor']);
    const revealedName = await revealer
      .post(`/v1/backoffice/cases/${holderCaseId}/reveal`, {
        field: 'name',
        justification: 'Comparing the certificates with the applicant',
      })
      .set('Idempotency-Key', 'reveal-1')
      .expect(200);
    expect(revealedName.body).toEqual({ field: 'name', value: '李四' });
    const viewer = await sandbox.staff(['supervisor']);
    expect((await viewer.caseOf(holderCaseId)).subject).toEqual({
      name: '李*',
      idNumber: maskIdNumber(idNumber),
    });

    // Staff find the holder's case by its ID number and its mobile, until the erasure.
    const searcher = await sandbox.staff(['supervisor']);
    const found = async (body: object): Promise<string[]> =>
      (
        (await searcher.post('/v1/backoffice/cases/search', body).expect(200)).body.items as {
          id: string;
        }[]
      ).map((c) => c.id);
    for (let tries = 0; !(await found({ idNumber })).includes(holderCaseId); tries++) {
      if (tries > 200) throw new Error('The holder case was never found by its ID number');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await found({ mobile: holderMobile })).toEqual([holderCaseId]);

    const owner = await sandbox.account();
    await owner.start();
    expect((await owner.submitIdentity(idNumber, '135790', '赵六')).state).toBe(
      'identity_occupied',
    );
    await owner.post('/v1/verification/occupancy', { decision: 'not_mine' }).expect(200);
    await upholdAppeal(owner);
    await owner.waitForState('identity_verified');
    await holder.waitForState('identity_pending');

    // The holder's case says what is gone, and nobody can reveal it any more.
    const after = await viewer.caseOf(holderCaseId);
    expect(after.subject).toBeNull();
    expect(after.documents).toEqual([
      expect.objectContaining({ erased: true, contentType: null, size: null }),
      expect.objectContaining({ erased: true, contentType: null, size: null }),
    ]);
    const documentId = (after.documents as { id: string }[])[0].id;
    const gone = await viewer.get(`/v1/backoffice/cases/${holderCaseId}/documents/${documentId}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'personal_data_erased' });
    const revealed = await viewer
      .post(`/v1/backoffice/cases/${holderCaseId}/reveal`, {
        field: 'idNumber',
        justification: 'Audit of an erased identity',
      })
      .expect(410);
    expect(revealed.body).toMatchObject({ code: 'personal_data_erased' });
    // Nor does its ID number or mobile find it: their lookup rows went with it.
    expect(await found({ idNumber })).not.toContain(holderCaseId);
    expect(await found({ mobile: holderMobile })).toEqual([]);
    // The lookup made again from the log leaves the erased card out: its key is gone.
    await sandbox.app
      .get(CommandBus)
      .execute(new RebuildProjectionCommand('verification-identity-mobiles'));
    expect(await found({ mobile: holderMobile })).toEqual([]);

    // The documents' files go once the erasure committed (a timer removes them): the
    // appeal's certificates and the ID photos.
    const scan = new PersonalDataScan(sandbox, logs);
    const holderSubject = await subjectOf(holder);
    const documents: { document_id: string }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT document_id FROM documents WHERE subject_id = $1`, [holderSubject]);
    expect(documents).toHaveLength(4);
    await sandbox.eventually(async () => {
      const files = await scan.documentFiles();
      expect(files.filter((file) => documents.some((d) => d.document_id === file))).toEqual([]);
    });
    expect((await scan.readableDocuments()).map((d) => d.subjectId)).not.toContain(holderSubject);

    // Nothing of the two erased identities: the names as they were entered, the cards, the
    // mobiles — in clear, masked, hashed under any of the service's keys, or encrypted
    // under a key that still opens.
    const erased: Candidate[] = [
      { kind: 'name', value: '张三' },
      { kind: 'name', value: '李四' },
      { kind: 'card', value: firstCard },
      { kind: 'mobile', value: firstMobile },
      { kind: 'card', value: holderCard },
      { kind: 'mobile', value: holderMobile },
    ];
    expect(await scan.find(erased)).toEqual([]);

    // The ID number is the owner's now: it is found only as the owner's own data — under
    // the owner's live data key, and as the occupancy lookup's hash — never as a hash or
    // mask in the log, nor under the shredded keys of the accounts that lost it.
    const ownerSubject = await subjectOf(owner);
    const findings = await scan.find([{ kind: 'idNumber', value: idNumber }]);
    expect(findings).toContainEqual(expect.objectContaining({ subjectId: ownerSubject }));
    for (const finding of findings) {
      expect([
        { form: 'ciphertext', subjectId: ownerSubject },
        { form: 'keyed-hash', where: 'identity_index.id_hash' },
      ]).toContainEqual(
        finding.form === 'ciphertext'
          ? { form: finding.form, subjectId: finding.subjectId }
          : { form: finding.form, where: finding.where },
      );
    }
    // No stored answer or fingerprint of the holder's requests is left.
    expect(await storedFingerprints()).not.toContain(fingerprint);
    const answers: unknown[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT 1 FROM idempotency_keys WHERE principal = $1 OR account_id = $1`, [
        holder.accountId,
      ]);
    expect(answers).toEqual([]);
    // The occupancy lookup keeps the owner's submission only.
    const lookup: { subject_id: string }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT subject_id FROM identity_subjects`);
    expect(lookup.map((row) => row.subject_id)).toEqual([ownerSubject]);
  });

  async function storedFingerprints(): Promise<string[]> {
    const rows: { request_hash: string }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT request_hash FROM idempotency_keys`);
    return rows.map((row) => row.request_hash);
  }

  async function subjectOf(account: Account): Promise<string> {
    const [row]: { subject: string }[] = await sandbox.app.get(DataSource).query(
      `SELECT data->'identity'->>'subjectId' AS subject FROM es_events
        WHERE stream_id = $1 AND event_type = 'IdentitySubmitted'
        ORDER BY stream_version DESC LIMIT 1`,
      [`verification-${account.accountId}`],
    );
    return row.subject;
  }
});
