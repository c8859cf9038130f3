import { Body, Controller, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, VALIDATION_FAILED } from '../http/api-problems';
import { IsNotEmpty, IsString } from 'class-validator';
import { IsBankCardNumber, IsMainlandMobile, Public } from '@shiming/common';
import { SandboxBank, SandboxBoundCards, SandboxSmsGateway } from '@shiming/integrations';

class MobileQuery {
  @ApiProperty({ example: '13800138000' })
  @IsMainlandMobile()
  mobile!: string;
}

class CardQuery {
  @ApiProperty({ example: '6222021234567890128' })
  @IsBankCardNumber()
  cardNumber!: string;
}

class BindCardDto {
  @ApiProperty({ example: '6222021234567890128' })
  @IsBankCardNumber()
  cardNumber!: string;
  @ApiProperty({ example: '13800138000' })
  @IsMainlandMobile()
  mobile!: string;
}

class AccountParam {
  @ApiProperty({ example: 'acct-1001' })
  @IsString()
  @IsNotEmpty()
  accountId!: string;
}

/**
 * The outside world as the sandbox simulates it: the phone that receives our SMS,
 * the bank account that receives micro-deposits, the wallet's bound cards.
 */
@ApiTags('sandbox')
@Public()
@Controller('v1/sandbox')
export class SandboxOutsideController {
  constructor(
    private readonly sms: SandboxSmsGateway,
    private readonly bank: SandboxBank,
    private readonly boundCards: SandboxBoundCards,
  ) {}

  @Get('sms')
  @ApiOperation({ summary: 'The SMS inbox of a mobile' })
  @ApiProblems(VALIDATION_FAILED)
  @ApiOkResponse({ description: 'Messages sent to the mobile, newest first' })
  async inbox(@Query() query: MobileQuery) {
    const messages = await this.sms.inbox(query.mobile);
    return { messages: messages.map((m) => ({ ...m, sentAt: m.sentAt.toISOString() })) };
  }

  @Get('bank/deposits')
  @ApiOperation({ summary: 'Settled micro-deposits to a card' })
  @ApiProblems(VALIDATION_FAILED)
  @ApiOkResponse({
    description:
      'Settled micro-deposits to the card, newest first; deposits in transit are not shown',
  })
  async deposits(@Query() query: CardQuery) {
    const deposits = await this.bank.depositsFor(query.cardNumber);
    return {
      deposits: deposits.map((d) => ({
        depositId: d.depositId,
        amount: d.amount,
        sentAt: d.sentAt.toISOString(),
        settledAt: d.settledAt.toISOString(),
      })),
    };
  }

  @Put('accounts/:accountId/bound-card')
  @HttpCode(204)
  @ApiOperation({ summary: 'Gives an account a bound quick-pay card' })
  @ApiNoContentResponse({ description: 'The card is bound' })
  @ApiProblems(VALIDATION_FAILED)
  async bindCard(@Param() params: AccountParam, @Body() body: BindCardDto): Promise<void> {
    await this.boundCards.bind(params.accountId, body);
  }
}
