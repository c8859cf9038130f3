import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsString, Length, Matches } from 'class-validator';
import {
  DIRECTIONS,
  fenToYuan,
  type AccountLimitsView,
  type Allowance,
  type AuthorizationResult,
  type Direction,
} from '@shiming/limits';

const TIERS = ['none', 'limited', 'full'];

export class AuthorizeLimitDto {
  @ApiProperty({ example: 'acct-1001', description: 'The account that collects or pays' })
  @IsString()
  @Length(1, 255)
  accountId!: string;

  @ApiProperty({
    enum: DIRECTIONS,
    example: 'collect',
    description: '`collect`: the account receives money; `pay`: it sends money',
  })
  @IsIn(DIRECTIONS)
  direction!: Direction;

  @ApiProperty({
    type: String,
    example: '123.45',
    description:
      'Yuan, a string with at most two decimals, more than 0 and at most 10,000,000.00 ' +
      '(otherwise 422 `invalid_amount`)',
  })
  // Checked by the handler, so that every bad or missing amount answers `invalid_amount`.
  @Allow()
  amount!: unknown;

  @ApiProperty({
    example: 'pay-20261128-000042',
    description:
      'The payment’s own id, 1–128 printable ASCII characters without spaces. The same ' +
      'reference answers the first decision again and is counted once; with another ' +
      'account, direction or amount it is 422 `reference_reused`.',
  })
  @IsString()
  @Length(1, 128)
  @Matches(/^[\x21-\x7E]+$/, { message: 'reference must be printable ASCII without spaces' })
  reference!: string;
}

export class AccountIdParam {
  @ApiProperty({ example: 'acct-1001' })
  @IsString()
  @Length(1, 255)
  accountId!: string;
}

export class RemainingDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '19876.55',
    description: 'What a collection may still be this month (yuan); null = unlimited',
  })
  collect!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '49876.55',
    description: 'What collections plus payments may still be this month (yuan); null = unlimited',
  })
  total!: string | null;
}

export class AuthorizationDto {
  @ApiProperty({ enum: ['approved', 'declined'], example: 'approved' })
  decision!: 'approved' | 'declined';

  @ApiPropertyOptional({
    enum: ['limit_exceeded', 'not_authenticated'],
    description: 'Why it was declined',
  })
  reason?: 'limit_exceeded' | 'not_authenticated';

  @ApiProperty({ type: RemainingDto, description: 'What remains after this decision' })
  remaining!: RemainingDto;

  @ApiProperty({ example: '2026-11', description: 'The calendar month (Asia/Shanghai) counted' })
  month!: string;

  @ApiProperty({ enum: TIERS, example: 'limited', description: 'The tier decided with' })
  tier!: string;

  @ApiProperty({ example: 'acct-1001' })
  accountId!: string;

  @ApiProperty({ example: 'pay-20261128-000042' })
  reference!: string;

  @ApiProperty({
    format: 'uuid',
    example: '0b3e6f0c-6a55-5d7e-9a39-2f0d8c1b7e44',
    description: 'The id of the event that recorded the decision',
  })
  authorizationId!: string;
}

export class UsageDto {
  @ApiProperty({ example: '123.45', description: 'Collections approved this month (yuan)' })
  collected!: string;
  @ApiProperty({ example: '0.00', description: 'Payments approved this month (yuan)' })
  paid!: string;
  @ApiProperty({ example: '123.45', description: 'Collections plus payments (yuan)' })
  total!: string;
}

export class MonthlyLimitsDto {
  @ApiProperty({ example: '20000.00', description: 'Collections a month (yuan)' })
  collect!: string;
  @ApiProperty({ example: '50000.00', description: 'Collections plus payments a month (yuan)' })
  total!: string;
}

export class AccountLimitsDto {
  @ApiProperty({ example: 'acct-1001' })
  accountId!: string;

  @ApiProperty({
    enum: TIERS,
    example: 'limited',
    description:
      '`none` until authenticated (nothing is approved), `limited` without ID photos, `full` with them',
  })
  tier!: string;

  @ApiProperty({ example: '2026-11', description: 'The calendar month (Asia/Shanghai)' })
  month!: string;

  @ApiProperty({
    example: '2026-11-30T16:00:00.000Z',
    description: 'When this month’s usage stops counting',
  })
  resetsAt!: string;

  @ApiProperty({ type: UsageDto })
  usage!: UsageDto;

  @ApiProperty({
    type: MonthlyLimitsDto,
    nullable: true,
    description: 'The tier’s monthly limits; null when unlimited (`full`)',
  })
  limits!: MonthlyLimitsDto | null;

  @ApiProperty({ type: RemainingDto })
  remaining!: RemainingDto;

  @ApiPropertyOptional({
    example: 'acct-1000',
    description:
      'For an associated account: the main account whose tier and monthly allowance it shares',
  })
  mainAccountId?: string;
}

function yuanOrNull(fen: number | null): string | null {
  return fen === null ? null : fenToYuan(fen);
}

function remainingDto(remaining: Allowance): RemainingDto {
  return { collect: yuanOrNull(remaining.collectFen), total: yuanOrNull(remaining.totalFen) };
}

export function toAuthorizationDto(result: AuthorizationResult): AuthorizationDto {
  return {
    decision: result.decision,
    ...(result.reason ? { reason: result.reason } : {}),
    remaining: remainingDto(result.remaining),
    month: result.month,
    tier: result.tier,
    accountId: result.accountId,
    reference: result.reference,
    authorizationId: result.authorizationId,
  };
}

export function toAccountLimitsDto(view: AccountLimitsView): AccountLimitsDto {
  return {
    accountId: view.accountId,
    tier: view.tier,
    month: view.month,
    resetsAt: view.resetsAt,
    usage: {
      collected: fenToYuan(view.usage.collectedFen),
      paid: fenToYuan(view.usage.paidFen),
      total: fenToYuan(view.usage.collectedFen + view.usage.paidFen),
    },
    limits:
      view.limits === null
        ? null
        : { collect: fenToYuan(view.limits.collectFen), total: fenToYuan(view.limits.totalFen) },
    remaining: remainingDto(view.remaining),
    ...(view.mainAccountId ? { mainAccountId: view.mainAccountId } : {}),
  };
}
