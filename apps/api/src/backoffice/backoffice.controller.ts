import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import {
  ApproveProposalCommand,
  ClaimCaseCommand,
  DecideCaseCommand,
  GetCaseQuery,
  GetCaseTimelineQuery,
  FindCasesQuery,
  GetMetricsQuery,
  SearchCasesCommand,
  ListNotificationsQuery,
  wordedReasonCodes,
  type CaseKind,
  type WordedReasonCode,
  ReassignCaseCommand,
  ReleaseCaseCommand,
  RevealPersonalDataCommand,
  TakeNextCaseCommand,
  ViewDocumentCommand,
  type BackofficeMetrics,
  type CaseListFilter,
  type CaseListPage,
  type CaseView,
  type RevealedField,
  type Staff,
  type BackofficeNotification,
  type TimelineEntry,
} from '@shiming/backoffice';
import {
  CurrentPrincipal,
  Idempotent,
  IdempotencyNotStored,
  ValidationError,
  negotiateLocale,
  Roles,
  type Principal,
} from '@shiming/common';
import {
  ApiProblems,
  CASE_NOT_FOUND,
  CASE_OPENING,
  CASE_ROLE,
  CASE_WRONG_STATE,
  NOT_HOLDER,
  OWN_CASE,
  problem,
  VALIDATION_FAILED,
  VERSION_CONFLICT,
} from '../http/api-problems';
import { RateLimit } from '../http/rate-limit/rate-limit.decorator';
import { RetryAfterInterceptor } from '../verification/retry-after.interceptor';
import {
  ApprovalDto,
  CaseViewDto,
  DecisionDto,
  NextCaseDto,
  NotificationsQueryDto,
  ReassignDto,
  RevealDto,
  RevealedDto,
  NotificationsDto,
  ReasonCodesDto,
} from './backoffice.dto';
import { CaseListPageDto, CaseListQueryDto, CaseSearchDto } from './case-search.dto';
import { BackofficeMetricsDto, TimelineDto } from './case-parts.dto';

// Refusals of a case: none such, or not for this role, or about the caller's own account,
// or one a user was just given that the back office is still opening.
const CASE_ACCESS = [CASE_NOT_FOUND, CASE_ROLE, OWN_CASE, CASE_OPENING];

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
};

// The file is named by its id, kept to characters that need no quoting in the header.
function documentFileName(documentId: string, contentType: string): string {
  const safe = documentId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80) || 'document';
  return `${safe}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

// Only the fields given, so that the query's defaults apply to the others.
function listFilter(query: CaseListQueryDto): CaseListFilter {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined),
  ) as CaseListFilter;
}

function staffOf(principal: Principal): Staff {
  return { id: principal.sub, roles: principal.roles };
}

/** Reviewers, support agents and supervisors work their cases here (docs/backoffice-api.md). */
@ApiTags('backoffice')
@ApiBearerAuth()
@Roles('reviewer', 'support', 'supervisor')
@Controller('v1/backoffice')
@UseInterceptors(RetryAfterInterceptor)
export class BackofficeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('cases')
  @ApiOperation({
    summary: 'Cases: filters, search by case or account id, sorting, cursor paging',
    description:
      'Without filters: the queue (undecided cases, escalated first, then by due time). By ID number or mobile: `POST /v1/backoffice/cases/search`.',
  })
  @ApiOkResponse({ type: CaseListPageDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(422, 'validation_failed', 'The request has invalid fields.', {
      errors: [
        { field: 'cursor', code: 'invalid_cursor', message: 'cursor belongs to another order' },
      ],
    }),
    problem(403, 'forbidden', 'A support agent sees no manual reviews.'),
  )
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: CaseListQueryDto,
  ): Promise<CaseListPage> {
    return this.queries.execute(new FindCasesQuery(staffOf(principal), listFilter(query)));
  }

  @Post('cases/search')
  @HttpCode(200)
  // Each search is access to personal data: recorded every time, never answered from a store,
  // and bounded per staff member (RATE_LIMIT_PERSONAL_DATA_SEARCH).
  @IdempotencyNotStored()
  @RateLimit('personalDataSearch')
  @ApiOperation({
    summary: 'Cases by an ID number or a mobile (exact, through blind indexes), recorded',
    description:
      'Exactly one of `idNumber`, `mobile`, with the filters, sort and cursor of the list. The value is matched by its keyed hash (nothing is scanned or decrypted) against the identity each case was opened for; each call is recorded as a `PersonalDataSearched` event (who, when, which kind, which cases; never the value) and shown in the supervisors’ audit. Each staff member may search a bounded number of times per window (`RATE_LIMIT_PERSONAL_DATA_SEARCH`, 60 an hour by default); beyond it, 429 `rate_limited` with `Retry-After`, and nothing is searched or recorded. In the body, so the value stays out of URLs and access logs.',
  })
  @ApiOkResponse({ type: CaseListPageDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(422, 'validation_failed', 'The request has invalid fields.', {
      errors: [
        {
          field: 'idNumber',
          code: 'invalid_id_number',
          message: 'idNumber must be an 18-character resident ID number',
        },
      ],
    }),
    problem(403, 'forbidden', 'A support agent sees no manual reviews.'),
  )
  search(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CaseSearchDto,
  ): Promise<CaseListPage> {
    const { idNumber, mobile, ...filters } = body;
    if ((idNumber === undefined) === (mobile === undefined)) {
      throw new ValidationError([
        {
          field: idNumber === undefined ? 'idNumber' : 'mobile',
          code: 'search_value_required',
          message: 'Give exactly one of idNumber and mobile',
        },
      ]);
    }
    return this.commands.execute(
      new SearchCasesCommand(
        staffOf(principal),
        idNumber !== undefined ? 'idNumber' : 'mobile',
        (idNumber ?? mobile)!,
        listFilter(filters),
      ),
    );
  }

  @Post('cases/next')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Claims and returns the most urgent open case the caller may work' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiNoContentResponse({ description: 'Nothing to do' })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(403, 'forbidden', 'A reviewer works no appeals.'),
    VERSION_CONFLICT,
  )
  async next(
    @CurrentPrincipal() principal: Principal,
    @Body() body: NextCaseDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseView | undefined> {
    const taken = await this.commands.execute(
      new TakeNextCaseCommand(staffOf(principal), body.kind),
    );
    if (!taken) {
      response.status(204);
      return undefined;
    }
    return taken;
  }

  @Get('cases/:caseId')
  @ApiOperation({ summary: 'A case, with the person it is about masked' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(...CASE_ACCESS)
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
  ): Promise<CaseView> {
    return this.queries.execute(new GetCaseQuery(caseId, staffOf(principal)));
  }

  @Get('cases/:caseId/documents/:documentId')
  @ApiOperation({ summary: 'A certificate image; each view is recorded on the timeline' })
  @ApiOkResponse({
    description:
      'The document, as a download (`Content-Disposition: attachment`) that may not run anything (`Content-Security-Policy: sandbox`)',
    content: Object.fromEntries(
      ['image/jpeg', 'image/png', 'application/pdf'].map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiProblems(
    ...CASE_ACCESS,
    problem(404, 'not_found', 'The case has no document 9b2e….'),
    problem(
      410,
      'personal_data_erased',
      'This document was erased with the personal data it belonged to.',
    ),
  )
  async document(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const content = await this.commands.execute(
      new ViewDocumentCommand(caseId, documentId, staffOf(principal)),
    );
    // A download, never a page: saved rather than shown if opened, its type not guessed,
    // and nothing in it may run or load if a browser renders it anyway.
    response.header('Cache-Control', 'no-store');
    response.header('X-Content-Type-Options', 'nosniff');
    response.header('Content-Security-Policy', "sandbox; default-src 'none'");
    return new StreamableFile(content.bytes, {
      type: content.contentType,
      length: content.size,
      disposition: `attachment; filename="${documentFileName(documentId, content.contentType)}"`,
    });
  }

  @Post('cases/:caseId/claim')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Claims an open case (the holder renews the claim)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(
    ...CASE_ACCESS,
    problem(409, 'already_claimed', 'rev-2 holds this case.'),
    CASE_WRONG_STATE,
    VERSION_CONFLICT,
  )
  claim(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
  ): Promise<CaseView> {
    return this.commands.execute(new ClaimCaseCommand(caseId, staffOf(principal)));
  }

  @Post('cases/:caseId/release')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Gives the case back to the queue (the holder, or a supervisor)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(
    ...CASE_ACCESS,
    NOT_HOLDER,
    problem(409, 'wrong_state', 'The case is not claimed.'),
    VERSION_CONFLICT,
  )
  release(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
  ): Promise<CaseView> {
    return this.commands.execute(new ReleaseCaseCommand(caseId, staffOf(principal)));
  }

  @Post('cases/:caseId/reassign')
  @Idempotent()
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'A supervisor hands the case to another staff member' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(VALIDATION_FAILED, ...CASE_ACCESS, CASE_WRONG_STATE, VERSION_CONFLICT)
  reassign(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Body() body: ReassignDto,
  ): Promise<CaseView> {
    return this.commands.execute(
      new ReassignCaseCommand(caseId, staffOf(principal), body.to, body.note),
    );
  }

  @Post('cases/:caseId/decision')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve, reject with a reason, or ask the user to upload again (the holder only)',
    description:
      'The decision reaches the user’s process in the same transaction. Approving an appeal is a proposal that a second supervisor approves.',
  })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(
    VALIDATION_FAILED,
    problem(422, 'reason_required', 'A rejection needs a reason code.', {
      errors: [
        {
          field: 'reasonCode',
          code: 'reason_required',
          message: 'A rejection needs a reason code.',
        },
      ],
    }),
    problem(422, 'unknown_reason_code', 'No reason code blurry_photo.', {
      errors: [
        {
          field: 'reasonCode',
          code: 'unknown_reason_code',
          message: 'No reason code blurry_photo.',
        },
      ],
    }),
    problem(422, 'message_required', 'A request to upload again needs a message to the user.', {
      errors: [
        {
          field: 'userMessage',
          code: 'message_required',
          message: 'A request to upload again needs a message to the user.',
        },
      ],
    }),
    ...CASE_ACCESS,
    NOT_HOLDER,
    problem(409, 'wrong_state', 'The case or the user’s process is not waiting for this decision.'),
    VERSION_CONFLICT,
  )
  decide(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Body() body: DecisionDto,
  ): Promise<CaseView> {
    return this.commands.execute(new DecideCaseCommand(caseId, staffOf(principal), { ...body }));
  }

  @Post('cases/:caseId/approval')
  @Idempotent()
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'The second approval of an upheld appeal (not by its proposer)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiProblems(
    VALIDATION_FAILED,
    ...CASE_ACCESS,
    problem(403, 'own_proposal', 'The proposer cannot give the second approval.'),
    problem(409, 'proposal_lapsed', 'The user added documents after the proposal.'),
    problem(409, 'wrong_state', 'Nothing awaits approval.'),
    VERSION_CONFLICT,
  )
  approve(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Body() body: ApprovalDto,
  ): Promise<CaseView> {
    return this.commands.execute(
      new ApproveProposalCommand(caseId, staffOf(principal), body.approve, body.note),
    );
  }

  @Post('cases/:caseId/reveal')
  @HttpCode(200)
  // The answer is a value in clear: never stored, so a retry reveals (and is recorded) again.
  @IdempotencyNotStored()
  @ApiOperation({ summary: 'One field unmasked, for a justification recorded on the timeline' })
  @ApiOkResponse({ type: RevealedDto })
  @ApiProblems(
    VALIDATION_FAILED,
    ...CASE_ACCESS,
    problem(410, 'personal_data_erased', 'The personal data of this case has been erased.'),
    VERSION_CONFLICT,
  )
  reveal(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
    @Body() body: RevealDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RevealedField> {
    // The unmasked value must not stay in any cache on the way.
    response.header('Cache-Control', 'no-store');
    return this.commands.execute(
      new RevealPersonalDataCommand(caseId, staffOf(principal), body.field, body.justification),
    );
  }

  @Get('cases/:caseId/timeline')
  @ApiOperation({ summary: 'Every event of the case with its actor' })
  @ApiOkResponse({ type: TimelineDto, description: 'The events of the case, oldest first' })
  @ApiProblems(...CASE_ACCESS)
  timeline(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId') caseId: string,
  ): Promise<{ items: TimelineEntry[] }> {
    return this.queries.execute(new GetCaseTimelineQuery(caseId, staffOf(principal)));
  }

  @Get('reason-codes')
  @ApiOperation({
    summary: 'The reasons a rejection or a denial may give',
    description:
      'Each with its label for staff (in the language of `Accept-Language`, and in every language) and the default message the account holder is told, in every language.',
  })
  @ApiOkResponse({ type: ReasonCodesDto })
  reasonCodes(
    @Headers('accept-language') acceptLanguage: string | undefined,
  ): Record<CaseKind, WordedReasonCode[]> {
    return wordedReasonCodes(negotiateLocale(acceptLanguage));
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Backlog, SLA breaches and decision-time percentiles (30 days)' })
  @ApiOkResponse({ type: BackofficeMetricsDto })
  metrics(): Promise<BackofficeMetrics> {
    return this.queries.execute(new GetMetricsQuery());
  }

  @Get('notifications')
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'What supervisors were told (SLA breaches), newest first; while the holiday data has under 60 days left, a `calendar_runway` notice (no case) first',
    description:
      'Each with its kind (the message code), case and due time, `resolvedAt` once the case is decided, and `message` worded in the language of `Accept-Language`, in Beijing time.',
  })
  @ApiOkResponse({ type: NotificationsDto })
  @ApiProblems(VALIDATION_FAILED)
  notifications(
    @Query() query: NotificationsQueryDto,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ): Promise<{ items: BackofficeNotification[] }> {
    return this.queries.execute(
      new ListNotificationsQuery(query.limit ?? 50, negotiateLocale(acceptLanguage)),
    );
  }
}
