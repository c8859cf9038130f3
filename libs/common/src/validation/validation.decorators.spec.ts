import { IsOptional } from 'class-validator';
import { createValidationPipe, ValidationError } from '../errors';
import { buildBankCardNumber } from './bank-card-number';
import {
  IsBankCardNumber,
  IsChineseName,
  IsMainlandMobile,
  IsResidentIdNumber,
} from './validation.decorators';

class IdentityDto {
  @IsChineseName()
  name!: string;

  @IsResidentIdNumber()
  idNumber!: string;
}

class BankCardDto {
  @IsBankCardNumber()
  cardNumber!: string;

  @IsMainlandMobile()
  reservedMobile!: string;

  @IsOptional()
  @IsMainlandMobile({ each: true })
  otherMobiles?: string[];
}

async function run<T>(metatype: new () => T, body: unknown): Promise<T> {
  return (await createValidationPipe().transform(body, { type: 'body', metatype })) as T;
}

async function refusal(metatype: new () => unknown, body: unknown): Promise<ValidationError> {
  try {
    await run(metatype, body);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the pipe to refuse the body');
}

describe('validation decorators', () => {
  it('accept valid values and hand them over normalised', async () => {
    const identity = await run(IdentityDto, {
      name: ' 阿依古丽・买买提 ',
      idNumber: '11010519491231002x',
    });
    expect(identity).toEqual({ name: '阿依古丽·买买提', idNumber: '11010519491231002X' });
    const card = buildBankCardNumber({ serial: 7 });
    const spaced = card.replace(/(\d{4})/g, '$1 ');
    const bank = await run(BankCardDto, {
      cardNumber: spaced,
      reservedMobile: '+86 138 0013 8000',
      otherMobiles: ['8613900139000'],
    });
    expect(bank).toEqual({
      cardNumber: card,
      reservedMobile: '13800138000',
      otherMobiles: ['13900139000'],
    });
  });

  it('report each field with its stable code', async () => {
    const identity = await refusal(IdentityDto, {
      name: 'Zhang San',
      idNumber: '110101199003071234',
    });
    expect(identity.errors).toEqual([
      { field: 'name', code: 'invalid_name', message: expect.any(String) },
      { field: 'idNumber', code: 'invalid_id_number', message: expect.any(String) },
    ]);
    const bank = await refusal(BankCardDto, {
      cardNumber: '4111111111111112',
      reservedMobile: '12345',
      otherMobiles: ['13800138000', 'x'],
    });
    expect(bank.errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'cardNumber', code: 'invalid_bank_card' },
      { field: 'reservedMobile', code: 'invalid_mobile' },
      { field: 'otherMobiles', code: 'invalid_mobile' },
    ]);
  });

  it('say why in the message without repeating the value', async () => {
    const error = await refusal(IdentityDto, { name: '张三', idNumber: '110101199003071234' });
    expect(error.errors[0].message).toBe(
      'idNumber must be an 18-character resident ID number: it has a wrong check digit',
    );
    expect(JSON.stringify(error.errors)).not.toContain('110101199003071234');
  });

  it('refuse values that are not strings', async () => {
    const error = await refusal(IdentityDto, { name: 42, idNumber: null });
    expect(error.errors.map((e) => e.code)).toEqual(['invalid_name', 'invalid_id_number']);
    expect(error.errors[1].message).toBe('idNumber must be an 18-character resident ID number');
  });
});
