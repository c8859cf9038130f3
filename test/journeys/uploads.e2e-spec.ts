import { readdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { newIdNumber, png, Sandbox } from '../support/journey';

// A refused upload stores nothing (DESIGN §5): the command decides first, the documents
// are stored with its events, and a refusal leaves neither rows nor files.
describe('journeys: uploads refused by the process', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function stored(): Promise<{ rows: number; files: number }> {
    const [{ count }] = await sandbox.app.get(DataSource).query(`SELECT count(*) FROM documents`);
    const entries = await readdir(sandbox.documentsRoot, { recursive: true, withFileTypes: true });
    return { rows: Number(count), files: entries.filter((e) => e.isFile()).length };
  }

  it('stores nothing for an account that never started, or a step the state refuses', async () => {
    const before = await stored();
    const stranger = await sandbox.account();
    for (const path of ['manual-review', 'appeal']) {
      const refused = await stranger
        .upload(`/v1/verification/${path}`, { certificates: [png(), png()] })
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'wrong_state' });
    }
    await stranger
      .upload('/v1/verification/id-documents', { front: [png()], back: [png()] })
      .expect(409);

    const verified = await sandbox.account();
    await verified.start();
    await verified.submitIdentity(newIdNumber());
    await verified
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(409);
    await verified
      .upload('/v1/verification/id-documents', { front: [png()], back: [png()] })
      .expect(409);
    expect(await stored()).toEqual(before);
  });

  it('refuses the same photo as the front and the back, storing nothing', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    const before = await stored();
    const photo = png();
    const refused = await account
      .upload('/v1/verification/id-documents', { front: [photo], back: [photo] })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'identical_id_photos' });
    expect(await stored()).toEqual(before);
    await account.uploadPhotos();
    expect(await stored()).toEqual({ rows: before.rows + 2, files: before.files + 2 });
  });
});
