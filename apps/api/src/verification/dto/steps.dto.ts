import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** A step that takes no input: `{}`. */
export class EmptyDto {}

export class StartVerificationDto {
  @ApiProperty({ example: 'mainland', description: 'Only `mainland` is supported' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  region!: string;
}

export class DecideOccupancyDto {
  @ApiProperty({
    enum: ['mine', 'not_mine'],
    example: 'mine',
    description: 'Whether the account holding this identity is the user’s own',
  })
  @IsIn(['mine', 'not_mine'])
  decision!: 'mine' | 'not_mine';
}

export class AcceptAgreementDto {
  @ApiProperty({ example: true, enum: [true] })
  @Equals(true, { message: 'accepted must be true', context: { code: 'must_accept' } })
  accepted!: true;
}

export class VerifySmsCodeDto {
  @ApiProperty({ example: '042517', description: 'The 6-digit code sent by SMS' })
  @IsString()
  @Matches(/^\d{6}$/, {
    message: 'code must be 6 digits',
    context: { code: 'invalid_sms_code' },
  })
  code!: string;
}

export class ConfirmMicroDepositDto {
  @ApiProperty({ example: '0.37', description: 'The amount received, in yuan with two decimals' })
  @IsString()
  @Matches(/^\d{1,6}\.\d{2}$/, {
    message: 'amount must be yuan with two decimals, such as 0.37',
    context: { code: 'invalid_amount' },
  })
  amount!: string;
}

export class AssociateAccountDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…',
    description: 'A bearer token of the other account, proving the user controls it',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  accountToken!: string;
}

/** "0.37" → 37 fen. */
export function yuanToFen(amount: string): number {
  const [yuan, fen] = amount.split('.');
  return Number(yuan) * 100 + Number(fen);
}

export class AssociationAnswerDto {
  @ApiProperty({ example: 'acct-1000', description: 'The caller’s account, now a main account' })
  mainAccountId!: string;

  @ApiProperty({ example: 'acct-1002', description: 'The account associated with it' })
  accountId!: string;

  @ApiProperty({
    description: 'The associated account’s status: authenticated, with the main account’s tier',
  })
  status!: object;
}
