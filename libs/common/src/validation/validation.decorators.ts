import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { normaliseBankCardNumber, validateBankCardNumber } from './bank-card-number';
import { normaliseChineseName, validateChineseName } from './chinese-name';
import { normaliseMainlandMobile, validateMainlandMobile } from './mainland-mobile';
import { normaliseResidentIdNumber, validateResidentIdNumber } from './resident-id-number';

type Result = { valid: true } | { valid: false; reason: string };

interface Rule {
  name: string;
  code: string;
  normalise(value: string): string;
  validate(value: string): Result;
  describe(property: string, reason: string | undefined): string;
}

const reasonText: Record<string, string> = {
  invalid_length: 'has the wrong length',
  invalid_format: 'has characters that do not belong',
  invalid_region: 'has an unknown region code',
  invalid_birth_date: 'has an impossible birth date',
  invalid_check_digit: 'has a wrong check digit',
  invalid_checksum: 'has a wrong check digit',
  invalid_characters: 'has characters other than Chinese ones and "·"',
  invalid_dot: 'has a "·" at an end or next to another',
};

// Each decorator also normalises the value (trim, `x` → `X`, spaces, +86, dot
// look-alikes) when the ValidationPipe transforms, so handlers get canonical input.
// Messages name the field and the reason, never the value: it is personal data.
function decorator(rule: Rule, options?: ValidationOptions): PropertyDecorator {
  const each = options?.each === true;
  const normalise = (value: unknown): unknown => {
    if (typeof value === 'string') return rule.normalise(value);
    if (each && Array.isArray(value)) return value.map(normalise);
    return value;
  };
  return applyDecorators(
    Transform(({ value }) => normalise(value)),
    ValidateBy(
      {
        name: rule.name,
        validator: {
          validate: (value: unknown) => typeof value === 'string' && rule.validate(value).valid,
          defaultMessage: (args?: ValidationArguments) => {
            const value = args?.value as unknown;
            const result = typeof value === 'string' ? rule.validate(value) : undefined;
            const reason = result && !result.valid ? result.reason : undefined;
            return rule.describe(args?.property ?? 'value', reason);
          },
        },
      },
      { ...options, context: { ...(options?.context as object), code: rule.code } },
    ),
  );
}

const explain = (summary: string) => (property: string, reason: string | undefined) =>
  reason && reasonText[reason]
    ? `${property} must be ${summary}: it ${reasonText[reason]}`
    : `${property} must be ${summary}`;

/** An 18-character PRC resident ID number; field error code `invalid_id_number`. */
export function IsResidentIdNumber(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    {
      name: 'isResidentIdNumber',
      code: 'invalid_id_number',
      normalise: normaliseResidentIdNumber,
      validate: (value) => validateResidentIdNumber(value),
      describe: explain('an 18-character resident ID number'),
    },
    options,
  );
}

/** A 16–19 digit card number passing Luhn; field error code `invalid_bank_card`. */
export function IsBankCardNumber(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    {
      name: 'isBankCardNumber',
      code: 'invalid_bank_card',
      normalise: normaliseBankCardNumber,
      validate: validateBankCardNumber,
      describe: explain('a bank card number of 16 to 19 digits'),
    },
    options,
  );
}

/** A mainland mobile number; field error code `invalid_mobile`. */
export function IsMainlandMobile(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    {
      name: 'isMainlandMobile',
      code: 'invalid_mobile',
      normalise: normaliseMainlandMobile,
      validate: validateMainlandMobile,
      describe: (property) => `${property} must be a mainland mobile number of 11 digits`,
    },
    options,
  );
}

/** A name of 2–20 Chinese characters; field error code `invalid_name`. */
export function IsChineseName(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    {
      name: 'isChineseName',
      code: 'invalid_name',
      normalise: normaliseChineseName,
      validate: validateChineseName,
      describe: explain('a name of 2 to 20 Chinese characters'),
    },
    options,
  );
}
