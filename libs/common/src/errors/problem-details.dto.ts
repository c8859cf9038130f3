import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI schema of a field error in a 422 answer. */
export class FieldErrorDto {
  @ApiProperty({ example: 'idNumber', description: 'Dotted path of the field' })
  field!: string;

  @ApiProperty({ example: 'invalid_id_number' })
  code!: string;

  @ApiProperty({ example: 'idNumber must be an 18-character resident ID number' })
  message!: string;
}

/** OpenAPI schema of every error answer (`application/problem+json`, RFC 9457). */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Conflict', description: 'The HTTP status phrase' })
  title!: string;

  @ApiProperty({ example: 409 })
  status!: number;

  @ApiProperty({ example: 'wrong_state', description: 'Stable machine-readable error code' })
  code!: string;

  @ApiPropertyOptional({
    example: '当前步骤不允许此操作。',
    description:
      'For a person, in the language of `Accept-Language` (zh-CN unless en is preferred)',
  })
  detail?: string;

  @ApiPropertyOptional({ example: '/v1/verification/identity' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With code validation_failed' })
  errors?: FieldErrorDto[];
}
