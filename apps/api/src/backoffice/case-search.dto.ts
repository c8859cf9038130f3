import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
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
import { IsMainlandMobile, IsResidentIdNumber } from '@shiming/common';
import { CaseSummaryDto } from './backoffice.dto';

const KINDS = ['manual_review', 'appeal'] as const;
const STATUSES = [
  'open',
  'claimed',
  'awaiting_user',
  'awaiting_approval',
  'escalated',
  'decided',
  'all',
] as const;
const SORTS = ['queue', 'due', 'opened', 'decided'] as const;
const ORDERS = ['asc', 'desc'] as const;

const code = (name: string) => ({ context: { code: name } });
const DATE = 'An instant, ISO 8601 with its offset (`2026-12-01T00:00:00+08:00`)';

/** The filters, order and page of the case list: the query of GET, the body of the search. */
export class CaseListQueryDto {
  @ApiPropertyOptional({ enum: KINDS })
  @IsOptional()
  @IsIn(KINDS)
  kind?: (typeof KINDS)[number];

  @ApiPropertyOptional({
    enum: STATUSES,
    description:
      'Without it: the cases not yet decided; every case when searching (case, account, ID number, mobile) or filtering on the decision; decided ones when sorted by decision',
  })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'Exactly this case' })
  @IsOptional()
  @IsUUID('all', code('invalid_case_id'))
  caseId?: string;

  @ApiPropertyOptional({
    description: 'Cases this account asked for, or whose disputed identity it holds',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  accountId?: string;

  @ApiPropertyOptional({ example: 'me', description: 'A staff id, or `me` for the caller' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  assignee?: string;

  @ApiPropertyOptional({ description: 'The staff member who decided' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  decidedBy?: string;

  @ApiPropertyOptional({ example: 'certificates_unreadable' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  reasonCode?: string;

  @ApiPropertyOptional({ description: `Opened at or after. ${DATE}` })
  @IsOptional()
  @IsISO8601({ strict: true }, code('invalid_date'))
  openedFrom?: string;

  @ApiPropertyOptional({ description: `Opened before. ${DATE}` })
  @IsOptional()
  @IsISO8601({ strict: true }, code('invalid_date'))
  openedTo?: string;

  @ApiPropertyOptional({ description: `Decided at or after. ${DATE}` })
  @IsOptional()
  @IsISO8601({ strict: true }, code('invalid_date'))
  decidedFrom?: string;

  @ApiPropertyOptional({ description: `Decided before. ${DATE}` })
  @IsOptional()
  @IsISO8601({ strict: true }, code('invalid_date'))
  decidedTo?: string;

  @ApiPropertyOptional({
    enum: SORTS,
    default: 'queue',
    description:
      '`queue`: escalated first, then by due time; `due`, `opened`, `decided` (decided cases only) by that time; ties by case id',
  })
  @IsOptional()
  @IsIn(SORTS, code('invalid_sort'))
  sort?: (typeof SORTS)[number];

  @ApiPropertyOptional({ enum: ORDERS, default: 'asc' })
  @IsOptional()
  @IsIn(ORDERS, code('invalid_order'))
  order?: (typeof ORDERS)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'From the previous page’s `nextCursor`, with the same filters, sort and order (else 422 `invalid_cursor`)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;
}

/** A search by personal data: exactly one of the two, matched exactly through a blind index. */
export class CaseSearchDto extends CaseListQueryDto {
  @ApiPropertyOptional({
    example: '11010119900307123X',
    description: 'An 18-character resident ID number',
  })
  @IsOptional()
  @IsResidentIdNumber()
  idNumber?: string;

  @ApiPropertyOptional({ example: '13800138000', description: 'A mainland mobile number' })
  @IsOptional()
  @IsMainlandMobile()
  mobile?: string;
}

export class CaseListItemDto extends CaseSummaryDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who decided (or proposed an upheld appeal)',
  })
  decidedBy!: string | null;
  @ApiProperty({ nullable: true, type: String })
  reasonCode!: string | null;
}

export class CaseListPageDto {
  @ApiProperty({ type: [CaseListItemDto] })
  items!: CaseListItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Null on the last page' })
  nextCursor!: string | null;
}
