import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@shiming/common';
import { GetAccountLimitsQuery } from '@shiming/limits';
import { AccountLimitsDto, toAccountLimitsDto } from './limits.dto';

/** The account holder's own tier and what is left of this month's limits. */
@ApiTags('limits')
@ApiBearerAuth()
@Roles('user')
@Controller('v1/accounts/me/limits')
export class AccountLimitsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'My tier and month-to-date usage',
    description: [
      'For the account of the token (`sub`). Amounts are yuan with two decimals; the month',
      'is the calendar month in Asia/Shanghai. Usage is exact as soon as an authorization',
      'has answered; a tier change shows once the verification events are projected',
      '(normally within a second).',
    ].join('\n'),
  })
  @ApiOkResponse({
    type: AccountLimitsDto,
    content: {
      'application/json': {
        examples: {
          limited: {
            value: {
              accountId: 'acct-1001',
              tier: 'limited',
              month: '2026-11',
              resetsAt: '2026-11-30T16:00:00.000Z',
              usage: { collected: '123.45', paid: '0.00', total: '123.45' },
              limits: { collect: '20000.00', total: '50000.00' },
              remaining: { collect: '19876.55', total: '49876.55' },
            },
          },
          full: {
            value: {
              accountId: 'acct-3003',
              tier: 'full',
              month: '2026-11',
              resetsAt: '2026-11-30T16:00:00.000Z',
              usage: { collected: '80000.00', paid: '2500.00', total: '82500.00' },
              limits: null,
              remaining: { collect: null, total: null },
            },
          },
          notAuthenticated: {
            value: {
              accountId: 'acct-2002',
              tier: 'none',
              month: '2026-11',
              resetsAt: '2026-11-30T16:00:00.000Z',
              usage: { collected: '0.00', paid: '0.00', total: '0.00' },
              limits: { collect: '0.00', total: '0.00' },
              remaining: { collect: '0.00', total: '0.00' },
            },
          },
        },
      },
    },
  })
  async mine(@CurrentPrincipal() principal: Principal): Promise<AccountLimitsDto> {
    return toAccountLimitsDto(await this.queries.execute(new GetAccountLimitsQuery(principal.sub)));
  }
}
