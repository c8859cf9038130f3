import { MAX_JSON_DEPTH, textErrors } from './input.guard';

describe('textErrors', () => {
  it('accepts ordinary text, Chinese names, emoji (whole surrogate pairs) and line breaks', () => {
    expect(textErrors({ name: '张三·李', note: 'ok 👍\nline', n: 1, list: ['a', null] })).toEqual(
      [],
    );
  });

  it('names each field with a NUL or half a surrogate pair, by its dotted path', () => {
    const errors = textErrors({ a: 'x\u0000', b: { c: ['ok', '\ud800'] }, d: '\udc00x' });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'a', code: 'nul_character' }),
        expect.objectContaining({ field: 'b.c.1', code: 'lone_surrogate' }),
        expect.objectContaining({ field: 'd', code: 'lone_surrogate' }),
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('refuses a bad property name without quoting it', () => {
    const errors = textErrors({ outer: { 'bad\u0000name': 1 } });
    expect(errors).toEqual([expect.objectContaining({ field: 'outer', code: 'nul_character' })]);
  });

  it('stops at the depth limit without recursion, however deep the value', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(textErrors(deep)).toEqual([
      expect.objectContaining({ code: 'too_deeply_nested', field: expect.any(String) }),
    ]);
    let shallow: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) shallow = { a: shallow };
    expect(textErrors(shallow)).toEqual([]);
  });
});
