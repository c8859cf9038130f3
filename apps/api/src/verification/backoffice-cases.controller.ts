import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@shiming/common';
import { DecideCaseCommand, type CaseDecisionAnswer } from '@shiming/verification';
import { ApiProblems, BAD_INPUT } from './api-problems.decorator';
import { CaseDecisionAnswerDto, CaseDecisionDto } from './dto/case-decision.dto';

/**
 * The one back-office step this issue needs: deciding a manual review (reviewers) or an
 * appeal (support agents); supervisors may decide both. Queues, claims and second
 * approvals come with the back office.
 */
@ApiTags('backoffice')
@ApiBearerAuth()
@Roles('reviewer', 'support', 'supervisor')
@Controller('v1/backoffice/cases')
export class BackofficeCasesController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':caseId/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide a manual review (approve/reject) or an appeal (uphold/deny)',
    description:
      'A rejection needs `reasonCode` and `userMessage` (`reason_required`); `final` ends a manual review for good.',
  })
  @ApiOkResponse({ type: CaseDecisionAnswerDto })
  @ApiProblems(
    BAD_INPUT,
    [422, 'A rejection without reason (`reason_required`)'],
    [403, 'The role may not decide this kind of case (`forbidden`)'],
    [404, 'No such case (`not_found`)'],
    [409, 'The case is already decided (`wrong_state`)'],
  )
  decide(
    @CurrentPrincipal() staff: Principal,
    @Param('caseId') caseId: string,
    @Body() body: CaseDecisionDto,
  ): Promise<CaseDecisionAnswer> {
    return this.commands.execute(new DecideCaseCommand(caseId, staff, body));
  }
}
