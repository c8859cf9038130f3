import { manualReviewCase } from '../support/cases';
import { newCardNumber, newIdNumber, newMobile, Sandbox } from '../support/journey';

describe('journeys: the language a person reads', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('words the same refusal in zh-CN and in English, with the same code', async () => {
    const account = await sandbox.account();
    await account.start();
    const confirm = () => account.post('/v1/verification/identity/confirm');

    const chinese = await confirm().set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8').expect(409);
    const english = await confirm().set('Accept-Language', 'en-US,en;q=0.9').expect(409);
    const unasked = await confirm().expect(409);

    expect(chinese.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(chinese.headers['content-language']).toBe('zh-CN');
    expect(english.headers['content-language']).toBe('en');
    expect(unasked.headers['content-language']).toBe('zh-CN');
    expect(chinese.headers.vary).toMatch(/Accept-Language/i);

    const [zh, en, none] = [chinese, english, unasked].map((r) => JSON.parse(r.text));
    expect(zh).toMatchObject({
      status: 409,
      code: 'wrong_state',
      detail: '当前步骤不允许此操作。',
    });
    expect(en).toMatchObject({ status: 409, code: 'wrong_state' });
    expect(en.detail).toMatch(/^[\x20-\x7e]+$/);
    expect(none).toEqual(zh);
    // Apart from the words, the two answers are the same document.
    expect({ ...en, detail: undefined }).toEqual({ ...zh, detail: undefined });
  });

  it('words a refusal at the edge (no token) by Accept-Language too', async () => {
    const zh = await sandbox.http.get('/v1/verification').set('Accept-Language', 'zh').expect(401);
    const en = await sandbox.http.get('/v1/verification').set('Accept-Language', 'en').expect(401);
    expect(JSON.parse(zh.text)).toMatchObject({ code: 'unauthenticated' });
    expect(JSON.parse(zh.text).detail).toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.parse(en.text)).toMatchObject({ code: 'unauthenticated' });
    expect(JSON.parse(en.text).detail).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('words each field of a 422 in the reader’s language, with the same codes', async () => {
    const account = await sandbox.account();
    await account.start();
    const body = { name: 'x', idNumber: '123', paymentPassword: '135790', extra: 1 };
    const submit = () => account.post('/v1/verification/identity', body);
    const zh = JSON.parse((await submit().set('Accept-Language', 'zh-CN').expect(422)).text);
    const en = JSON.parse((await submit().set('Accept-Language', 'en').expect(422)).text);

    const byField = (problem: { errors: { field: string; code: string; message: string }[] }) =>
      Object.fromEntries(problem.errors.map((e) => [e.field, e]));
    expect(byField(zh)).toMatchObject({
      name: { code: 'invalid_name', message: '字段 name 应为 2 至 20 个汉字的姓名。' },
      idNumber: { code: 'invalid_id_number', message: '字段 idNumber 应为 18 位居民身份证号码。' },
      extra: { code: 'unknown_field', message: '不接受字段 extra。' },
    });
    expect(en.errors.map((e: { code: string }) => e.code).sort()).toEqual(
      zh.errors.map((e: { code: string }) => e.code).sort(),
    );
    for (const error of en.errors) expect(error.message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('rewords a replayed refusal in the language of the retry', async () => {
    const account = await sandbox.account();
    await account.start();
    const body = { name: '张三', idNumber: newIdNumber(), paymentPassword: '000000' };
    const key = `key-${account.accountId}`;
    const first = await account
      .post('/v1/verification/identity', body, key)
      .set('Accept-Language', 'en')
      .expect(422);
    const retried = await account
      .post('/v1/verification/identity', body, key)
      .set('Accept-Language', 'zh-CN')
      .expect(422);

    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.headers['content-language']).toBe('zh-CN');
    const [en, zh] = [first, retried].map((r) => JSON.parse(r.text));
    expect(zh.code).toBe('wrong_payment_password');
    expect(zh.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(en.detail).not.toMatch(/[\u4e00-\u9fff]/);
    expect({ ...zh, detail: undefined }).toEqual({ ...en, detail: undefined });
  });

  it('words the status document’s notice in the reader’s language, keeping its code', async () => {
    const account = await sandbox.account();
    await account.start();
    await account
      .post('/v1/verification/identity', {
        name: '张三',
        idNumber: newIdNumber('999'),
        paymentPassword: '135790',
      })
      .expect(202);
    await account.waitForState('identity_mismatch');
    const read = (language?: string) => {
      const test = account.get();
      return (language ? test.set('Accept-Language', language) : test).expect(200);
    };
    const [zh, en, none] = await Promise.all([read('zh-CN'), read('en'), read()]);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(en.headers['content-language']).toBe('en');
    expect(none.headers['content-language']).toBe('zh-CN');
    expect(zh.headers.vary).toMatch(/Accept-Language/i);
    expect(zh.body.notice).toEqual({
      code: 'identity_mismatch',
      message: '姓名与身份证号核验不一致。您可以重新提交，或上传两种证件申请人工审核。',
    });
    expect(en.body.notice).toEqual({
      code: 'identity_mismatch',
      message:
        'The name and ID number do not match. Submit them again, or apply for a manual review with two certificates.',
    });
    expect(none.body).toEqual(zh.body);
  });

  it('tags the status document by its language too: a tag worded in one is not fresh in another', async () => {
    const account = await sandbox.account();
    await account.start();
    await account
      .post('/v1/verification/identity', {
        name: '张三',
        idNumber: newIdNumber('999'),
        paymentPassword: '135790',
      })
      .expect(202);
    await account.waitForState('identity_mismatch');
    const read = (language: string, ifNoneMatch?: string) => {
      const test = account.get().set('Accept-Language', language);
      return ifNoneMatch ? test.set('If-None-Match', ifNoneMatch) : test;
    };
    const zh = await read('zh-CN').expect(200);
    const en = await read('en').expect(200);
    expect(zh.body.version).toBe(en.body.version);
    expect(zh.headers.etag).toBeDefined();
    expect(en.headers.etag).not.toBe(zh.headers.etag);
    // The Chinese tag under English: the English document, with its own tag.
    const switched = await read('en', zh.headers.etag).expect(200);
    expect(switched.headers.etag).toBe(en.headers.etag);
    expect(switched.body.notice).toEqual(en.body.notice);
    // Each tag is fresh in its own language, whichever way the server checks it.
    await read('zh-CN', zh.headers.etag).expect(304);
    await read('en', en.headers.etag).expect(304);
    await account
      .get({ afterVersion: zh.body.version - 1, waitSeconds: 1 })
      .set('Accept-Language', 'en')
      .set('If-None-Match', zh.headers.etag)
      .expect(200);
    // A step answers with the tag of its own language too.
    const step = await account
      .post('/v1/verification/identity', {
        name: '张三',
        idNumber: newIdNumber('999'),
        paymentPassword: '135790',
      })
      .set('Accept-Language', 'en')
      .expect(202);
    expect(step.headers.etag).toBe(`"${step.body.version}-en"`);
  });

  it('sends the SMS code in Chinese', async () => {
    const account = await sandbox.account();
    await account.toPhotoStep();
    await account.skipPhotos();
    const mobile = newMobile();
    await account.submitCard(newCardNumber(), mobile);
    expect((await account.acceptAgreement()).state).toBe('sms_pending');
    const [text] = await sandbox.smsTexts(mobile);
    expect(text).toMatch(/^【实名认证】您的验证码为 \d{6}，5 分钟内有效，请勿告诉他人。$/);
  });

  it('tells a rejected user the reason’s default message in their language', async () => {
    const { account, caseId } = await manualReviewCase(sandbox);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer
      .decide(caseId, { outcome: 'reject', reasonCode: 'certificates_expired' })
      .expect(200);
    await account.waitForState('manual_review_rejected');
    const zh = await account.get().set('Accept-Language', 'zh-CN').expect(200);
    const en = await account.get().set('Accept-Language', 'en').expect(200);
    expect(zh.body.notice).toEqual({
      code: 'certificates_expired',
      message: '您上传的证件已过有效期。请上传有效期内的证件。',
    });
    expect(en.body.notice).toEqual({
      code: 'certificates_expired',
      message: 'A certificate you uploaded has expired. Upload certificates that are still valid.',
    });
    // The decision keeps the code; no words were stored.
    const decision = await reviewer.caseOf(caseId);
    expect(decision.decision).toMatchObject({ reasonCode: 'certificates_expired' });
    expect(JSON.stringify(decision.decision)).not.toContain('userMessage');
  });
});
