import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const KINDS = ['manual_review', 'appeal'] as const;

export class CompareDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 500,
    example: 'Comparing the applicant with the certificates',
    description: 'One justification for both fields, recorded on the case',
  })
  @IsString()
  @Length(10, 500)
  justification!: string;
}

export class ComparedIdentityDto {
  @ApiProperty({ example: '张三', description: 'Of the identity the case was opened for' })
  name!: string;
  @ApiProperty({ example: '11010119900307123X' })
  idNumber!: string;
}

export class BulkReleaseDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds!: string[];
}

export class BulkReassignDto extends BulkReleaseDto {
  @ApiProperty({
    example: 'rev-2',
    description: 'A staff member from `GET /v1/backoffice/staff` (else 422 `unknown_staff`)',
  })
  @IsString()
  @Length(1, 255)
  to!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

class CaseProblemDto {
  @ApiProperty({ example: 409 })
  status!: number;
  @ApiProperty({ example: 'wrong_state' })
  code!: string;
  @ApiProperty({ example: '案件当前状态不允许此操作。' })
  detail!: string;
}

export class BulkCaseResultDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ description: 'Whether this case is now as asked' })
  ok!: boolean;
  @ApiPropertyOptional({ description: 'False when it already was (nothing recorded)' })
  changed?: boolean;
  @ApiPropertyOptional({ enum: ['open', 'claimed'] })
  status?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  assignee?: string | null;
  @ApiPropertyOptional()
  version?: number;
  @ApiPropertyOptional({
    type: CaseProblemDto,
    description: 'Why this case was refused, as its own request would have been',
  })
  problem?: CaseProblemDto;
}

export class BulkResultsDto {
  @ApiProperty({ type: [BulkCaseResultDto], description: 'One per case, in the order asked' })
  results!: BulkCaseResultDto[];
}

export class StaffQueryDto {
  @ApiPropertyOptional({ enum: KINDS, description: 'Only staff who may work this kind' })
  @IsOptional()
  @IsIn(KINDS)
  kind?: (typeof KINDS)[number];
}

export class StaffMemberDto {
  @ApiProperty({ example: 'rev-2' })
  id!: string;
  @ApiProperty({ type: [String], example: ['reviewer'] })
  roles!: string[];
  @ApiProperty({ example: '2026-12-01T01:00:00.000Z' })
  firstSeenAt!: string;
  @ApiProperty({
    example: '2026-12-07T02:00:00.000Z',
    description: 'When last seen with new roles',
  })
  seenAt!: string;
}

export class StaffListDto {
  @ApiProperty({ type: [StaffMemberDto] })
  items!: StaffMemberDto[];
}

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'rev-2', description: 'What this staff member did' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  staffId?: string;

  @ApiPropertyOptional({ description: 'What was done on cases about this account' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  accountId?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+08:00', description: 'From (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-08T00:00:00+08:00', description: 'Until (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditPageQueryDto extends AuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'From the previous page’s `nextCursor`' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: '2026-12-07T02:00:00.000Z' })
  at!: string;
  @ApiProperty({
    enum: [
      'document_viewed',
      'personal_data_revealed',
      'identity_compared',
      'case_decided',
      'proposal_reviewed',
      'personal_data_searched',
      'audit_exported',
    ],
  })
  action!: string;
  @ApiProperty({ example: 'rev-2' })
  staffId!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  caseId!: string | null;
  @ApiProperty({ nullable: true, enum: KINDS })
  caseKind!: string | null;
  @ApiProperty({ nullable: true, type: String })
  accountId!: string | null;
  @ApiProperty({ nullable: true, type: String })
  holderAccountId!: string | null;
  @ApiProperty({
    type: Object,
    description:
      '`documentId`; `fields` (names, never values) and `justification`; `outcome`, `reasonCode`, `approvedBy`; a second approval’s `approved`; a search’s `searchedBy` (`idNumber` or `mobile`: the kind of value, never the value), `caseIds` (the cases the page showed) and `nextPage`; an export’s `filter`',
  })
  details!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
