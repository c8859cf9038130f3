import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The answer types of a case's parts, its timeline and the back office's metrics, for
// the OpenAPI document (and so for the web app's generated types).

export class CaseDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  addedAt!: string;
  @ApiProperty({
    description: '1 for the documents the case opened with, then one more per upload',
  })
  set!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['image/jpeg', 'image/png', 'application/pdf'],
    description: 'Null once erased',
  })
  contentType!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Bytes; null once erased' })
  size!: number | null;
  @ApiProperty({
    description: 'Erased with the personal data of its identity: it cannot be opened (410)',
  })
  erased!: boolean;
}

export class CaseReuploadDto {
  @ApiProperty({ example: 'id_card_back' })
  documentKind!: string;
  @ApiProperty({ description: 'What the account holder was told' })
  userMessage!: string;
  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;
}

export class CaseDecisionDto {
  @ApiProperty({ enum: ['approved', 'rejected', 'upheld', 'denied'] })
  outcome!: string;
  @ApiPropertyOptional({ example: 'certificates_unreadable' })
  reasonCode?: string;
  @ApiPropertyOptional({ description: 'What the account holder was told' })
  userMessage?: string;
  @ApiPropertyOptional({ description: 'For staff only' })
  internalNote?: string;
  @ApiPropertyOptional({ description: 'No new case may be opened on this request' })
  final?: boolean;
  @ApiProperty()
  decidedBy!: string;
  @ApiProperty({ format: 'date-time' })
  decidedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The supervisor who approved it' })
  approvedBy!: string | null;
}

export class ActorDto {
  @ApiProperty({ enum: ['user', 'staff', 'service', 'system'] })
  type!: string;
  @ApiProperty()
  id!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ description: 'Its place in the case, from 1' })
  seq!: number;
  @ApiProperty({ example: 'CaseClaimed' })
  type!: string;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ type: ActorDto })
  actor!: ActorDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the event says, without personal data (a reveal names its field only)',
  })
  details!: Record<string, unknown>;
}

export class TimelineDto {
  @ApiProperty({ type: [TimelineEntryDto], description: 'Oldest first' })
  items!: TimelineEntryDto[];
}

export class BacklogCountsDto {
  @ApiProperty()
  open!: number;
  @ApiProperty()
  claimed!: number;
  @ApiProperty()
  awaiting_user!: number;
  @ApiProperty()
  awaiting_approval!: number;
  @ApiProperty()
  escalated!: number;
}

export class BacklogByKindDto {
  @ApiProperty({ type: BacklogCountsDto })
  manual_review!: BacklogCountsDto;
  @ApiProperty({ type: BacklogCountsDto })
  appeal!: BacklogCountsDto;
}

export class DecisionTimesDto {
  @ApiProperty({ description: 'Cases decided in the last 30 days' })
  decided!: number;
  @ApiProperty({ nullable: true, type: Number })
  p50Ms!: number | null;
  @ApiProperty({ nullable: true, type: Number })
  p90Ms!: number | null;
  @ApiProperty({ nullable: true, type: Number })
  p99Ms!: number | null;
}

export class DecisionTimesByKindDto {
  @ApiProperty({ type: DecisionTimesDto })
  manual_review!: DecisionTimesDto;
  @ApiProperty({ type: DecisionTimesDto })
  appeal!: DecisionTimesDto;
}

export class BreachesDto {
  @ApiProperty({ description: 'Open cases past their due time' })
  open!: number;
  @ApiProperty({ description: 'SLA breaches in the last 30 days' })
  last30Days!: number;
}

export class BackofficeMetricsDto {
  @ApiProperty({ type: BacklogByKindDto })
  backlog!: BacklogByKindDto;
  @ApiProperty({ type: BreachesDto })
  breaches!: BreachesDto;
  @ApiProperty({ type: DecisionTimesByKindDto })
  decisionTimes!: DecisionTimesByKindDto;
  @ApiProperty({ format: 'date-time' })
  at!: string;
}
