import { AuthorityUnavailableError } from '../../identity-authority.port';
import { SandboxBankCardCheck } from './sandbox-bank-card-check';
import { SandboxDocumentCheck } from './sandbox-document-check';
import { SandboxIdentityAuthority, type AuthorityCallCounter } from './sandbox-identity-authority';
import { SandboxPaymentPasswordVerifier } from './sandbox-payment-password';
import {
  sandboxBankCardCheck,
  sandboxIdentityOutcome,
  sandboxPaymentPasswordIsRight,
  sequenceCode,
} from './sandbox-rules';

// 18-digit ID numbers whose digits 15–17 (the sequence code) are `code`.
const idWith = (code: string, check = 'X') => `11010119900307${code}${check}`;
// 16-digit cards whose digits 7–9 are `magic`.
const cardWith = (magic: string) => `622202${magic}1234567`;

class MemoryCounter implements AuthorityCallCounter {
  readonly calls = new Map<string, number>();
  async next(idNumber: string): Promise<number> {
    const count = (this.calls.get(idNumber) ?? 0) + 1;
    this.calls.set(idNumber, count);
    return count;
  }
}

describe('sandbox identity authority', () => {
  it('reads the sequence code from digits 15–17', () => {
    expect(sequenceCode('110101199003071234')).toBe('123');
    expect(sequenceCode(idWith('999'))).toBe('999');
  });

  it.each([
    ['999', 'mismatch'],
    ['998', 'unavailable'],
    ['997', 'match'],
    ['123', 'match'],
  ])('answers sequence code %s with %s', (code, outcome) => {
    expect(sandboxIdentityOutcome(idWith(code))).toBe(outcome);
  });

  it('is unavailable for the first N calls for a 998 ID number, then matches', async () => {
    const authority = new SandboxIdentityAuthority(new MemoryCounter(), 2);
    const request = { name: '张三', idNumber: idWith('998') };
    await expect(authority.check(request)).rejects.toBeInstanceOf(AuthorityUnavailableError);
    await expect(authority.check(request)).rejects.toMatchObject({
      code: 'authority_unavailable',
      retryable: true,
    });
    await expect(authority.check(request)).resolves.toBe('match');
    await expect(authority.check(request)).resolves.toBe('match');
  });

  it('counts failures per ID number', async () => {
    const authority = new SandboxIdentityAuthority(new MemoryCounter(), 1);
    const first = { name: '张三', idNumber: idWith('998', '1') };
    const second = { name: '李四', idNumber: idWith('998', '2') };
    await expect(authority.check(first)).rejects.toBeInstanceOf(AuthorityUnavailableError);
    await expect(authority.check(second)).rejects.toBeInstanceOf(AuthorityUnavailableError);
    await expect(authority.check(first)).resolves.toBe('match');
  });

  it('matches a 998 ID number at once when configured with no failures', async () => {
    const authority = new SandboxIdentityAuthority(new MemoryCounter(), 0);
    await expect(authority.check({ name: '张三', idNumber: idWith('998') })).resolves.toBe('match');
  });

  it('answers mismatch and match without counting calls', async () => {
    const counter = new MemoryCounter();
    const authority = new SandboxIdentityAuthority(counter, 2);
    await expect(authority.check({ name: '张三', idNumber: idWith('999') })).resolves.toBe(
      'mismatch',
    );
    await expect(authority.check({ name: '张三', idNumber: idWith('123') })).resolves.toBe('match');
    expect(counter.calls.size).toBe(0);
  });
});

describe('sandbox payment password', () => {
  it.each(['123456', '999999', '000001'])('accepts %s', async (password) => {
    await expect(new SandboxPaymentPasswordVerifier().verify('acc-1', password)).resolves.toBe(
      true,
    );
  });

  it.each(['000000', '12345', '1234567', 'abcdef', ''])('refuses %p', (password) => {
    expect(sandboxPaymentPasswordIsRight(password)).toBe(false);
  });
});

describe('sandbox bank four-element check', () => {
  const check = (cardNumber: string, mobile = '13800138000') =>
    sandboxBankCardCheck({ cardNumber, mobile });

  it('matches an ordinary card, which supports payment verification', () => {
    expect(check(cardWith('123'))).toEqual({ outcome: 'match', supportsPaymentVerification: true });
  });

  it('answers mobile_mismatch for a mobile ending 0000', () => {
    expect(check(cardWith('123'), '13800130000')).toEqual({
      outcome: 'mobile_mismatch',
      supportsPaymentVerification: true,
    });
  });

  it('fails verification for card digits 7–9 999', () => {
    expect(check(cardWith('999'))).toEqual({
      outcome: 'verification_failed',
      supportsPaymentVerification: true,
    });
  });

  it('refuses card digits 7–9 998 as not quick-pay, without payment verification', () => {
    expect(check(cardWith('998'))).toEqual({
      outcome: 'not_quick_pay',
      supportsPaymentVerification: false,
    });
  });

  it('matches card digits 7–9 997, a quick-pay card without payment verification', () => {
    expect(check(cardWith('997'))).toEqual({
      outcome: 'match',
      supportsPaymentVerification: false,
    });
    expect(check(cardWith('997'), '13800130000').supportsPaymentVerification).toBe(false);
  });

  it('puts the mobile rule first, in the order of the design table', () => {
    expect(check(cardWith('999'), '13800130000').outcome).toBe('mobile_mismatch');
    expect(check(cardWith('998'), '13800130000')).toEqual({
      outcome: 'mobile_mismatch',
      supportsPaymentVerification: false,
    });
  });

  it('reads card and mobile digits through spaces and a country code', async () => {
    await expect(
      new SandboxBankCardCheck().check({
        name: '张三',
        idNumber: idWith('123'),
        cardNumber: '6222 0299 9123 4567',
        mobile: '+86 138 0013 0000',
      }),
    ).resolves.toEqual({ outcome: 'mobile_mismatch', supportsPaymentVerification: true });
    expect(check('6222 0299 9123 4567').outcome).toBe('verification_failed');
  });
});

describe('sandbox document check', () => {
  const photo = (size: number) => ({
    side: 'front' as const,
    bytes: Buffer.alloc(size),
    contentType: 'image/jpeg',
  });

  it('accepts an image of 10 KiB or more', async () => {
    await expect(new SandboxDocumentCheck().check(photo(10 * 1024))).resolves.toEqual({
      outcome: 'accepted',
    });
  });

  it('refuses an image smaller than 10 KiB as image_too_small', async () => {
    await expect(new SandboxDocumentCheck().check(photo(10 * 1024 - 1))).resolves.toEqual({
      outcome: 'rejected',
      reasonCode: 'image_too_small',
    });
  });
});
