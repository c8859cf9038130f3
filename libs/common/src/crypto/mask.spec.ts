import { maskCard, maskIdNumber, maskMobile, maskName } from './mask';

describe('masks', () => {
  it('keep the region and the last four of an ID number', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110101********1234');
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
    expect(maskIdNumber('123')).toBe('***');
  });

  it('keep the first character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('keep the middle dots of a transliterated name', () => {
    expect(maskName('阿依古丽·买买提')).toBe('阿***·***');
  });

  it('count an astral character as one', () => {
    expect(maskName('𠀀𠀁𠀂')).toBe('𠀀**');
  });

  it('keep the last four digits of a card', () => {
    expect(maskCard('6222020200112233445')).toBe('***************3445');
    expect(maskCard('6222 0202 0011 2233')).toBe('************2233');
  });

  it('keep the first three and last four digits of a mobile', () => {
    expect(maskMobile('13800000000')).toBe('138****0000');
    expect(maskMobile('+86 138 0013 8000')).toBe('138****8000');
  });
});
