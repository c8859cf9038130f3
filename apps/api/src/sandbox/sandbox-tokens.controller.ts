import { Body, Controller, HttpCode, Logger, OnModuleInit, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { Idempotent, Public, ROLES, Role, TokenIssuer } from '@shiming/common';
import { ApiProblems, problem, VALIDATION_FAILED } from '../http/api-problems';
import { RateLimit } from '../http/rate-limit/rate-limit.decorator';
import { SandboxTokensUnavailableError } from './sandbox-tokens-unavailable.error';

class IssueTokenDto {
  @ApiProperty({
    example: 'acct-1001',
    description: 'The account (for `user`) or staff member the token speaks for',
  })
  @IsString()
  @Length(1, 255)
  sub!: string;

  @ApiProperty({ example: ['user'], enum: ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiProperty({
    required: false,
    example: 3600,
    description:
      'Lifetime in seconds (default 1 hour; more than AUTH_JWT_MAX_LIFETIME_SECONDS, 24 hours by default, is refused)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  ttlSeconds?: number;
}

class TokenDto {
  @ApiProperty()
  token!: string;
  @ApiProperty({ example: '2026-11-26T10:00:00.000Z' })
  expiresAt!: string;
}

/** Bearer tokens for anyone who asks: the sandbox has no identity provider. */
@ApiTags('sandbox')
@Public()
@Controller('v1/sandbox/tokens')
export class SandboxTokensController implements OnModuleInit {
  private readonly logger = new Logger(SandboxTokensController.name);

  constructor(private readonly issuer: TokenIssuer) {}

  onModuleInit(): void {
    if (!this.issuer.canIssue) {
      this.logger.warn(
        'Sandbox tokens are not issued: only AUTH_JWT_PUBLIC_KEY is configured (POST /v1/sandbox/tokens answers 503)',
      );
    }
  }

  @Post()
  @Idempotent()
  @HttpCode(201)
  @RateLimit('sandboxToken')
  @ApiOperation({ summary: 'A bearer token for any subject and roles (sandbox only)' })
  @ApiCreatedResponse({ type: TokenDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(503, 'sandbox_tokens_unavailable', new SandboxTokensUnavailableError().detail ?? ''),
  )
  async issue(@Body() body: IssueTokenDto): Promise<TokenDto> {
    if (!this.issuer.canIssue) throw new SandboxTokensUnavailableError();
    const issued = await this.issuer.issue(body);
    return { token: issued.token, expiresAt: issued.expiresAt.toISOString() };
  }
}
