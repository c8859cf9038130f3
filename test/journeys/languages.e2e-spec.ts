import { Sandbox } from '../support/journey';

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
});
