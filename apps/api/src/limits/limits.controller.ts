import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Idempotent,
  CurrentPrincipal,
  IDEMPOTENT_REPLAYED_HEADER,
  Principal,
  Roles,
} from '@shiming/common';
import { AuthorizeLimitCommand, GetAccountLimitsQuery } from '@shiming/limits';
import {
  AccountIdParam,
  AccountLimitsDto,
  AuthorizationDto,
  AuthorizeLimitDto,
  toAccountLimitsDto,
  toAuthorizationDto,
} from './limits.dto';
import { ApiProblems, problem } from '../http/api-problems';

interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** The payments system's questions: may this payment go ahead, and what is the account's tier. */
@ApiTags('limits')
@ApiBearerAuth()
@Roles('service')
@Controller('v1/limits')
export class LimitsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('authorize')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve or decline a collection or payment against the monthly limits',
    description: [
      'Tier `none` (not authenticated): declined. `limited`: collections up to 20,000.00 yuan',
      'and collections plus payments up to 50,000.00 yuan per calendar month in',
      'Asia/Shanghai. `full`: unlimited. An approval counts at once; concurrent',
      'authorizations of one account are decided one after the other, so approvals never',
      'exceed a limit. A declined authorization is an answer (200), not an error.',
      '',
      'Idempotent on `reference`: a repeat answers the first decision again, counts',
      'nothing, and carries `Idempotent-Replayed: true`. The one exception is a decline',
      '`not_authenticated`, which is not kept: the same reference asked again is decided',
      'again, and approved once the account is authenticated. The tier is the one the',
      'account holder was last told. An associated account counts against its main',
      'account’s allowance, with the main account’s tier.',
    ].join('\n'),
  })
  @ApiOkResponse({
    type: AuthorizationDto,
    headers: {
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description: '`true` when the reference had already been decided',
        schema: { type: 'string', enum: ['true'] },
      },
    },
    content: {
      'application/json': {
        examples: {
          approved: {
            value: {
              decision: 'approved',
              remaining: { collect: '19876.55', total: '49876.55' },
              month: '2026-11',
              tier: 'limited',
              accountId: 'acct-1001',
              reference: 'pay-20261128-000042',
              authorizationId: '0b3e6f0c-6a55-5d7e-9a39-2f0d8c1b7e44',
            },
          },
          limitExceeded: {
            value: {
              decision: 'declined',
              reason: 'limit_exceeded',
              remaining: { collect: '300.00', total: '300.00' },
              month: '2026-11',
              tier: 'limited',
              accountId: 'acct-1001',
              reference: 'pay-20261128-000043',
              authorizationId: '5d2a1c8e-0f3b-5a47-8c61-9e7b2d4f1a03',
            },
          },
          notAuthenticated: {
            value: {
              decision: 'declined',
              reason: 'not_authenticated',
              remaining: { collect: '0.00', total: '0.00' },
              month: '2026-11',
              tier: 'none',
              accountId: 'acct-2002',
              reference: 'pay-20261128-000044',
              authorizationId: '9a4e7b1d-3c2f-5e80-b1d6-4f8a0c7e2b15',
            },
          },
          unlimited: {
            value: {
              decision: 'approved',
              remaining: { collect: null, total: null },
              month: '2026-11',
              tier: 'full',
              accountId: 'acct-3003',
              reference: 'pay-20261128-000045',
              authorizationId: 'e1c7a3f9-8b2d-5c64-a0e5-7d3b9f1c6a28',
            },
          },
        },
      },
    },
  })
  @ApiProblems(
    problem(
      422,
      'invalid_amount',
      'amount must be a positive number of yuan with at most two decimals, such as "123.45".',
      {
        errors: [
          {
            field: 'amount',
            code: 'invalid_amount',
            message:
              'amount must be a positive number of yuan with at most two decimals, such as "123.45".',
          },
        ],
      },
    ),
    problem(
      422,
      'reference_reused',
      'This reference was already used for an authorization with another account, direction or amount.',
    ),
    problem(422, 'validation_failed', 'The request has invalid fields.', {
      errors: [
        {
          field: 'direction',
          code: 'is_in',
          message: 'direction must be one of the following values: collect, pay',
        },
      ],
    }),
  )
  async authorize(
    @Body() body: AuthorizeLimitDto,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<AuthorizationDto> {
    const result = await this.commands.execute(
      new AuthorizeLimitCommand(
        body.accountId,
        body.direction,
        body.amount,
        body.reference,
        caller.sub,
      ),
    );
    if (result.replayed) response.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return toAuthorizationDto(result);
  }

  @Get('accounts/:accountId')
  @ApiOperation({
    summary: 'An account’s tier and month-to-date usage',
    description:
      'The same document the account holder sees at `GET /v1/accounts/me/limits`. An account ' +
      'never seen has tier `none` and nothing used.',
  })
  @ApiOkResponse({ type: AccountLimitsDto })
  @ApiProblems(problem(422, 'validation_failed', 'The request has invalid fields.'))
  async account(@Param() { accountId }: AccountIdParam): Promise<AccountLimitsDto> {
    return toAccountLimitsDto(await this.queries.execute(new GetAccountLimitsQuery(accountId)));
  }
}
