import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CaseDecisionDto {
  @ApiProperty({
    enum: ['approve', 'reject', 'request_reupload'],
    example: 'approve',
    description: 'For an appeal, approve upholds it and reject denies it',
  })
  @IsIn(['approve', 'reject', 'request_reupload'])
  outcome!: 'approve' | 'reject' | 'request_reupload';

  @ApiPropertyOptional({ example: 'documents_illegible', description: 'Required to reject' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  reasonCode?: string;

  @ApiPropertyOptional({
    example: 'The certificates could not be read. Please apply again with clear photos.',
    description: 'Shown to the user; required to reject',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  userMessage?: string;

  @ApiPropertyOptional({ example: 'Checked against the household register.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  internalNote?: string;

  @ApiPropertyOptional({
    example: false,
    description: 'A final rejection of a manual review ends the process for the account',
  })
  @IsOptional()
  @IsBoolean()
  final?: boolean;
}

export class CaseDecisionAnswerDto {
  @ApiProperty({ example: '6d0f4c1e-2b8a-4c3e-9f51-0a7b3c2d1e4f' })
  caseId!: string;

  @ApiProperty({ enum: ['manual_review', 'appeal'], example: 'manual_review' })
  kind!: string;

  @ApiProperty({
    enum: ['approved', 'rejected', 'upheld', 'denied', 'reupload_requested'],
    example: 'approved',
  })
  outcome!: string;

  @ApiProperty({ example: 'bank_card_required', description: 'Where the account’s process went' })
  accountState!: string;
}
