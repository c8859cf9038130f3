import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { VERIFICATION_STATUSES } from '@shiming/verification';

export const MAX_WAIT_SECONDS = 30;

export class StatusQueryDto {
  @ApiPropertyOptional({
    example: 4,
    description: 'Long polling: answer as soon as the version is greater than this',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterVersion?: number;

  @ApiPropertyOptional({
    example: 25,
    maximum: MAX_WAIT_SECONDS,
    description: 'Long polling: how long to wait for a newer version (seconds, at most 30)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  waitSeconds?: number;
}

class CaseDto {
  @ApiProperty({ example: '6d0f4c1e-2b8a-4c3e-9f51-0a7b3c2d1e4f' })
  id!: string;

  @ApiProperty({ enum: ['manual_review', 'appeal'], example: 'manual_review' })
  kind!: string;

  @ApiProperty({ enum: ['open', 'reupload_requested'], example: 'open' })
  status!: string;

  @ApiProperty({ example: '2026-03-04T02:00:00.000Z' })
  dueAt!: string;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Counted partly by weekdays, past the official holiday data; recomputed once the data is loaded',
  })
  provisional?: true;
}

class DeadlinesDto {
  @ApiPropertyOptional({ example: '2026-03-02T02:00:30.000Z' })
  identityCheckRetryAt?: string;
  @ApiPropertyOptional({ example: '2026-03-02T05:00:00.000Z' })
  identityLockedUntil?: string;
  @ApiPropertyOptional({ example: '2026-03-04T02:00:00.000Z' })
  manualReviewDueAt?: string;
  @ApiPropertyOptional({ example: '2026-03-05T15:59:59.999Z' })
  appealDueAt?: string;
  @ApiPropertyOptional({
    enum: [true],
    description:
      'appealDueAt was counted partly by weekdays, past the official holiday data; it is recomputed (and may move later) once the data is loaded',
  })
  provisional?: true;
  @ApiPropertyOptional({ example: '2026-03-02T02:05:00.000Z' })
  smsCodeExpiresAt?: string;
  @ApiPropertyOptional({ example: '2026-03-02T02:01:00.000Z' })
  smsResendableAt?: string;
  @ApiPropertyOptional({ example: '2026-03-13T02:00:00.000Z' })
  microDepositWindowEndsAt?: string;
}

class NoticeDto {
  @ApiProperty({
    example: 'id_documents_rejected',
    description: 'Stable; the same in every language',
  })
  code!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    example: { reason: 'image_too_small' },
    description: 'What the message is about, by name',
  })
  params?: Record<string, string | number>;
  @ApiPropertyOptional({
    example: '身份证照片未通过检查（图片太小或不清晰），请重新上传或跳过此步。',
    description:
      'For the account holder, in the language of `Accept-Language` (zh-CN unless en is preferred); what a reviewer wrote to the user is kept as written',
  })
  message?: string;
}

class OccupancyDto {
  @ApiProperty({ enum: ['authenticated', 'identity_verified'], example: 'authenticated' })
  holder!: string;
  @ApiProperty({ example: false })
  disputed!: boolean;
}

/** What the user polls (DESIGN §4). */
export class StatusDocumentDto {
  @ApiProperty({ example: 'acct-1001' })
  accountId!: string;

  @ApiProperty({ enum: VERIFICATION_STATUSES, example: 'sms_pending' })
  state!: string;

  @ApiProperty({ example: false })
  authenticated!: boolean;

  @ApiProperty({ enum: ['none', 'limited', 'full'], example: 'none' })
  tier!: string;

  @ApiProperty({
    example: ['enter_sms_code', 'resend_sms_code', 'change_bank_card'],
    description: 'The steps the user may take now',
  })
  nextActions!: string[];

  @ApiProperty({ type: DeadlinesDto })
  deadlines!: DeadlinesDto;

  @ApiPropertyOptional({ type: CaseDto, description: 'A manual review or appeal in progress' })
  case?: CaseDto;

  @ApiPropertyOptional({ enum: ['in_progress', 'retrying'], example: 'retrying' })
  identityCheck?: string;

  @ApiPropertyOptional({ type: OccupancyDto })
  occupancy?: OccupancyDto;

  @ApiPropertyOptional({ type: NoticeDto })
  notice?: NoticeDto;

  @ApiPropertyOptional({ example: 'acct-1000', description: 'For an associated account' })
  mainAccountId?: string;

  @ApiProperty({ example: 12, description: 'Grows with every change; for ETag and long polling' })
  version!: number;

  @ApiProperty({ type: String, example: '2026-03-02T02:00:04.000Z', nullable: true })
  updatedAt!: string | null;
}
