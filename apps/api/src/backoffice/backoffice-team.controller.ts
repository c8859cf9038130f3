import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  BulkReassignCasesCommand,
  BulkReleaseCasesCommand,
  CompareIdentityCommand,
  ListStaffQuery,
  type BulkCaseResult,
  type ComparedIdentity,
  type Staff,
  type StaffMember,
} from '@shiming/backoffice';
import {
  CurrentPrincipal,
  Idempotent,
  IdempotencyNotStored,
  negotiateLocale,
  Roles,
  toProblem,
  type Principal,
} from '@shiming/common';
import {
  ApiProblems,
  CASE_NOT_FOUND,
  CASE_OPENING,
  CASE_ROLE,
  NOT_HOLDER,
  OWN_CASE,
  problem,
  VALIDATION_FAILED,
  VERSION_CONFLICT,
} from '../http/api-problems';
import { RetryAfterInterceptor } from '../verification/retry-after.interceptor';
import {
  BulkReassignDto,
  BulkReleaseDto,
  BulkResultsDto,
  CompareDto,
  ComparedIdentityDto,
  StaffListDto,
  StaffQueryDto,
} from './backoffice-tools.dto';

const SUPERVISORS_ONLY = problem(403, 'forbidden', 'Only a supervisor acts on cases in bulk.');

function staffOf(principal: Principal): Staff {
  return { id: principal.sub, roles: principal.roles };
}

/** Per case: its state after, or the problem its own request would have answered. */
function answerOf(results: BulkCaseResult[], path: string, acceptLanguage?: string) {
  const locale = negotiateLocale(acceptLanguage);
  return {
    results: results.map((result) => {
      if (result.ok) return result;
      const { problem: rendered } = toProblem(result.error, path, locale);
      return {
        caseId: result.caseId,
        ok: false,
        problem: { status: rendered.status, code: rendered.code, detail: rendered.detail ?? '' },
      };
    }),
  };
}

/** The holder's comparison, the staff directory, and supervisors' bulk actions. */
@ApiTags('backoffice')
@ApiBearerAuth()
@Roles('reviewer', 'support', 'supervisor')
@Controller('v1/backoffice')
@UseInterceptors(RetryAfterInterceptor)
export class BackofficeTeamController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('cases/:caseId/compare')
  @HttpCode(200)
  // Values in clear: never stored, so a retry compares (and is recorded) again.
  @IdempotencyNotStored()
  @ApiOperation({
    summary:
      'The holder sees name and ID number of the identity the case was opened for, beside the certificates: one action, one justification, one event',
  })
  @ApiOkResponse({ type: ComparedIdentityDto })
  @ApiProblems(
    VALIDATION_FAILED,
    CASE_NOT_FOUND,
    CASE_ROLE,
    OWN_CASE,
    CASE_OPENING,
    NOT_HOLDER,
    problem(410, 'personal_data_erased', 'The personal data of this case has been erased.'),
    VERSION_CONFLICT,
  )
  compare(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Body() body: CompareDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ComparedIdentity> {
    response.setHeader('Cache-Control', 'no-store');
    return this.commands.execute(
      new CompareIdentityCommand(caseId, staffOf(principal), body.justification),
    );
  }

  @Get('staff')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'The staff who have used the back office, with their roles (to reassign to)',
  })
  @ApiOkResponse({ type: StaffListDto })
  @ApiProblems(VALIDATION_FAILED, problem(403, 'forbidden', 'Only a supervisor lists staff.'))
  staff(@Query() query: StaffQueryDto): Promise<{ items: StaffMember[] }> {
    return this.queries.execute(new ListStaffQuery(query.kind));
  }

  @Post('cases/bulk-reassign')
  @Idempotent()
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Hands several cases to one staff member; each case its own event and outcome',
  })
  @ApiOkResponse({ type: BulkResultsDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(422, 'unknown_staff', 'No staff member rev-9 has used the back office.'),
    SUPERVISORS_ONLY,
  )
  async bulkReassign(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BulkReassignDto,
    @Req() request: Request,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ) {
    const results = await this.commands.execute(
      new BulkReassignCasesCommand(staffOf(principal), body.caseIds, body.to, body.note),
    );
    return answerOf(results, request.path, acceptLanguage);
  }

  @Post('cases/bulk-release')
  @Idempotent()
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Gives several claimed cases back to the queue; each case its own event and outcome',
  })
  @ApiOkResponse({ type: BulkResultsDto })
  @ApiProblems(VALIDATION_FAILED, SUPERVISORS_ONLY)
  async bulkRelease(
    @CurrentPrincipal() principal: Principal,
    @Body() body: BulkReleaseDto,
    @Req() request: Request,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ) {
    const results = await this.commands.execute(
      new BulkReleaseCasesCommand(staffOf(principal), body.caseIds),
    );
    return answerOf(results, request.path, acceptLanguage);
  }
}
