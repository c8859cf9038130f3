import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CaseDecisionDto, CaseDocumentDto, CaseReuploadDto } from './case-parts.dto';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const KINDS = ['manual_review', 'appeal'] as const;

export class NextCaseDto {
  @ApiPropertyOptional({ enum: KINDS, description: 'Without it: any kind the caller works' })
  @IsOptional()
  @IsIn(KINDS)
  kind?: (typeof KINDS)[number];
}

export class ReassignDto {
  @ApiProperty({ example: 'rev-2', description: 'The staff member who takes the case' })
  @IsString()
  @Length(1, 255)
  to!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class DecisionDto {
  @ApiProperty({
    enum: ['approve', 'reject', 'request_reupload'],
    description: 'Approving an appeal proposes to uphold it; a supervisor approves the proposal',
  })
  @IsIn(['approve', 'reject', 'request_reupload'])
  outcome!: 'approve' | 'reject' | 'request_reupload';

  @ApiPropertyOptional({
    example: 'certificates_unreadable',
    description: 'Required to reject: one of `GET /v1/backoffice/reason-codes`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reasonCode?: string;

  @ApiPropertyOptional({
    description:
      "Shown to the user: required to ask for a re-upload; for a rejection, the reviewer's own words, else the user is told the reason's default message in their language",
    maxLength: 500,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  userMessage?: string;

  @ApiPropertyOptional({ description: 'For staff only, never shown to the user', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  internalNote?: string;

  @ApiPropertyOptional({ description: 'A final rejection of a manual review: no new request' })
  @IsOptional()
  @IsBoolean()
  final?: boolean;

  @ApiPropertyOptional({
    example: 'certificates',
    description: 'For a re-upload: which document the user should upload again',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  documentKind?: string;
}

export class ApprovalDto {
  @ApiProperty({ description: 'true upholds the appeal; false sends it back to its holder' })
  @IsBoolean()
  approve!: boolean;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class RevealDto {
  @ApiProperty({ enum: ['name', 'idNumber'] })
  @IsIn(['name', 'idNumber'])
  field!: 'name' | 'idNumber';

  @ApiProperty({ minLength: 10, maxLength: 500, example: 'Comparing with the certificate photo' })
  @IsString()
  @Length(10, 500)
  justification!: string;
}

export class NotificationsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class MaskedSubjectDto {
  @ApiProperty({ example: '张*' })
  name!: string;
  @ApiProperty({ example: '110101********123X' })
  idNumber!: string;
}

export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: KINDS })
  kind!: string;
  @ApiProperty({ enum: ['open', 'claimed', 'awaiting_user', 'awaiting_approval', 'decided'] })
  status!: string;
  @ApiProperty()
  escalated!: boolean;
  @ApiProperty({ description: '1 for escalated cases not yet decided, else 0' })
  priority!: number;
  @ApiProperty()
  accountId!: string;
  @ApiProperty()
  openedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null while waiting on the user' })
  dueAt!: string | null;
  @ApiProperty({
    description: 'The due time was counted by weekdays past the holiday data, to be recomputed',
  })
  dueProvisional!: boolean;
  @ApiProperty({ nullable: true, type: Number })
  slaRemainingMs!: number | null;
  @ApiProperty({ nullable: true, type: String })
  assignee!: string | null;
  @ApiProperty({ nullable: true, type: String })
  claimedAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  decidedAt!: string | null;
  @ApiProperty({ nullable: true, enum: ['approved', 'rejected', 'upheld', 'denied'] })
  outcome!: string | null;
  @ApiProperty()
  documentCount!: number;
  @ApiProperty()
  version!: number;
}

export class CaseViewDto extends CaseSummaryDto {
  @ApiProperty({ nullable: true, type: String })
  holderAccountId!: string | null;
  @ApiProperty({ nullable: true, type: String })
  claimExpiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  escalatedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: MaskedSubjectDto,
    description: 'Null once the personal data of the identity the case is about was erased',
  })
  subject!: MaskedSubjectDto | null;
  @ApiProperty({
    type: [CaseDocumentDto],
    description:
      'Set 1 came with the request, each upload adds one; an erased document (its identity was erased) has no type or size and cannot be opened (410)',
  })
  documents!: CaseDocumentDto[];
  @ApiProperty({
    nullable: true,
    type: CaseReuploadDto,
    description: 'What the user was asked to upload again',
  })
  reupload!: CaseReuploadDto | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      '{outcome, proposedBy, proposedAt, internalNote, status}: an uphold awaiting approval',
  })
  proposal!: object | null;
  @ApiProperty({ nullable: true, type: CaseDecisionDto })
  decision!: CaseDecisionDto | null;
  @ApiProperty({
    isArray: true,
    enum: ['claim', 'release', 'decide', 'reassign', 'approve', 'reveal', 'compare'],
  })
  allowedActions!: string[];
}

export class RevealedDto {
  @ApiProperty({ enum: ['name', 'idNumber'] })
  field!: string;
  @ApiProperty()
  value!: string;
}

class PerLanguageDto {
  @ApiProperty({ example: '证件无法辨认或不完整' })
  'zh-CN'!: string;

  @ApiProperty({ example: 'Certificates unreadable or cropped' })
  en!: string;
}

export class ReasonCodeDto {
  @ApiProperty({ example: 'certificates_unreadable' })
  code!: string;

  @ApiProperty({
    example: '证件无法辨认或不完整',
    description: 'What staff read, in the language of `Accept-Language` (zh-CN unless en)',
  })
  label!: string;

  @ApiProperty({ type: PerLanguageDto, description: 'The label in every language' })
  labels!: PerLanguageDto;

  @ApiProperty({
    type: PerLanguageDto,
    description:
      'What the account holder is told in each language unless the reviewer writes their own message',
  })
  defaultMessages!: PerLanguageDto;
}

export class ReasonCodesDto {
  @ApiProperty({ type: [ReasonCodeDto] })
  manual_review!: ReasonCodeDto[];

  @ApiProperty({ type: [ReasonCodeDto] })
  appeal!: ReasonCodeDto[];
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '2026-12-09T16:00:00.000Z' })
  at!: string;

  @ApiProperty({ enum: ['sla_breached'], description: 'The message code' })
  kind!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: KINDS })
  caseKind!: string;

  @ApiProperty({ example: '2026-12-09T15:59:00.000Z', description: 'The due time it passed' })
  dueAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'When its case was decided; null while it is not',
  })
  resolvedAt!: string | null;

  @ApiProperty({
    example: '人工审核案件 3f0c9a52 已超过截止时间（2026年12月9日 23:59（北京时间））仍未处理。',
    description: 'In the language of `Accept-Language` (zh-CN unless en), times in Beijing time',
  })
  message!: string;
}

export class NotificationsDto {
  @ApiProperty({ type: [NotificationDto] })
  items!: NotificationDto[];
}
