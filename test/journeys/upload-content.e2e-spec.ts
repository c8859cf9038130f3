import { deflateSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { buildPdf, plainPdf, pngClaiming } from '../support/documents';
import { newIdNumber, png, Sandbox, type Account } from '../support/journey';

// What an upload holds, beyond its type: images decoded and bounded, nothing after
// their end, PDFs without active content. Each refusal is a 422 that stores nothing.
describe('journeys: upload content', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    // Small bounds, so that a small image can be too large.
    sandbox = await Sandbox.start({
      UPLOAD_MAX_IMAGE_SIDE: '1000',
      UPLOAD_MAX_IMAGE_PIXELS: '500000',
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function mismatched(): Promise<Account> {
    const account = await sandbox.account();
    await account.start();
    await account.submitIdentity(newIdNumber('999'));
    return account;
  }

  const eventCount = async (accountId: string): Promise<number> => {
    const events: { n: number }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE '%' || $1 || '%'`, [
        accountId,
      ]);
    return events[0].n;
  };

  it('refuses certificates that are not what they seem, with stable codes, storing nothing', async () => {
    const account = await mismatched();
    const before = await eventCount(account.accountId);
    const cases: [{ bytes: Buffer; fileName: string }, string, Record<string, unknown>][] = [
      [
        {
          bytes: Buffer.concat([png().bytes, Buffer.from('<html><script>x()</script>')]),
          fileName: 'a.png',
        },
        'unsupported_document',
        { reason: 'trailing_data' },
      ],
      [
        { bytes: pngClaiming(30_000, 30_000), fileName: 'bomb.png' },
        'image_too_large',
        { width: 30_000, height: 30_000, maxSide: 1000, maxPixels: 500_000 },
      ],
      [
        { bytes: pngClaiming(900, 900), fileName: 'many-pixels.png' },
        'image_too_large',
        { maxPixels: 500_000 },
      ],
      [
        {
          bytes: buildPdf([
            '<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>',
            '<< /Type /Pages /Kids [] /Count 0 >>',
            {
              dictionary: '/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode',
              stream: deflateSync(Buffer.from('3 0 << /S /JavaScript /JS (app.alert(1)) >>')),
            },
          ]),
          fileName: 'scan.pdf',
        },
        'unsupported_document',
        { reason: 'active_content' },
      ],
    ];
    for (const [bad, code, extras] of cases) {
      const response = await account
        .upload('/v1/verification/manual-review', { certificates: [png(), bad] })
        .expect(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.text)).toMatchObject({ code, field: 'certificates', ...extras });
    }
    expect(await eventCount(account.accountId)).toBe(before);
    expect((await account.status()).state).toBe('identity_mismatch');
  });

  it('takes a real image and a plain PDF scan', async () => {
    const account = await mismatched();
    const response = await account
      .upload('/v1/verification/manual-review', {
        certificates: [png(), { bytes: plainPdf(), fileName: 'passport.pdf' }],
      })
      .expect(202);
    expect(response.body.state).toBe('manual_review_pending');
  });

  it('bounds ID photos the same way', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    const response = await account
      .upload('/v1/verification/id-documents', {
        front: [{ bytes: pngClaiming(2000, 10), fileName: 'front.png' }],
        back: [png()],
      })
      .expect(422);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'image_too_large', field: 'front' });
    // The refusal left the step open: good photos are taken (202).
    await account.uploadPhotos();
  });
});
