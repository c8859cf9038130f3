import { Body, Controller, Get, Headers, Query, Res, UploadedFiles } from '@nestjs/common';
import { Command, CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  InjectConfig,
  Roles,
  TokenVerifier,
  ValidationError,
  type AppConfig,
  type Principal,
} from '@shiming/common';
import {
  AcceptAgreementCommand,
  AssociateAccountCommand,
  ChangeBankCardCommand,
  ConfirmIdentityCommand,
  ConfirmMicroDepositCommand,
  DecideOccupancyCommand,
  DeferConfirmationCommand,
  FileAppealCommand,
  InvalidAccountTokenError,
  RequestManualReviewCommand,
  RequestMicroDepositCommand,
  ResendSmsCodeCommand,
  SkipIdDocumentsCommand,
  StartVerificationCommand,
  SubmitBankCardCommand,
  SubmitIdDocumentsCommand,
  SubmitIdentityCommand,
  VerifySmsCodeCommand,
  type AssociationAnswer,
  type RequestContext,
  type StatusDocument,
  type StepAnswer,
} from '@shiming/verification';
import {
  ApiProblems,
  CALENDAR_OUT_OF_RANGE,
  LOCKED,
  problem,
  VALIDATION_FAILED,
  VERSION_CONFLICT,
  WRONG_STATE,
} from '../http/api-problems';
import { SubmitBankCardDto } from './dto/bank-card.dto';
import { SubmitIdentityDto } from './dto/identity.dto';
import { StatusDocumentDto, StatusQueryDto } from './dto/status.dto';
import { answerStatus } from './status-answer';
import {
  AcceptAgreementDto,
  AssociateAccountDto,
  AssociationAnswerDto,
  ConfirmMicroDepositDto,
  DecideOccupancyDto,
  EmptyDto,
  StartVerificationDto,
  VerifySmsCodeDto,
  yuanToFen,
} from './dto/steps.dto';
import {
  acceptCertificates,
  acceptIdPhotos,
  CERTIFICATES,
  ID_PHOTOS,
  type UploadedPart,
} from './uploads';
import { UserStep } from './user-step.decorator';

/** The parts of Fastify's reply the endpoints use. */
interface HttpResponse {
  status(code: number): HttpResponse;
  header(name: string, value: string): HttpResponse;
  send(body?: unknown): unknown;
}

// The hourly cap on codes sent, which both steps that send a code can reach.
const SMS_LIMIT_REACHED = problem(
  429,
  'sms_limit_reached',
  'No more verification codes can be sent this hour.',
  { retryAfterSeconds: 1800 },
);

/**
 * The account holder's steps through real-name verification (DESIGN §4). The account is
 * the token's `sub`. Every step answers with the status document as it is right after
 * the step (and the outside call it started, when that answered at once).
 */
@ApiTags('verification')
@ApiBearerAuth()
@Roles('user')
@Controller('v1/verification')
export class VerificationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly tokens: TokenVerifier,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @UserStep({
    status: 200,
    summary: 'Step 1: start verification (region `mainland`)',
    problems: [
      VALIDATION_FAILED,
      problem(422, 'unsupported_region', 'Only mainland accounts are verified here.'),
      WRONG_STATE,
      VERSION_CONFLICT,
    ],
  })
  start(
    @CurrentPrincipal() user: Principal,
    @Body() body: StartVerificationDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new StartVerificationCommand(user.sub, body.region, request(key)));
  }

  @Get()
  @ApiOperation({
    summary: 'The status document',
    description:
      'With `ETag`, which names the language the document is worded in (`Accept-Language`): a tag of one language is not fresh in another. `If-None-Match` answers 304. Long polling: `afterVersion=V&waitSeconds=S` answers as soon as the version passes V, or with the current document after S seconds (at most 30).',
  })
  @ApiOkResponse({ type: StatusDocumentDto })
  @ApiResponse({ status: 304, description: 'Unchanged since the `If-None-Match` ETag' })
  @ApiProblems(VALIDATION_FAILED)
  async status(
    @CurrentPrincipal() user: Principal,
    @Query() query: StatusQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: HttpResponse,
  ): Promise<void> {
    await answerStatus(
      this.queries,
      {
        accountId: user.sub,
        afterVersion: query.afterVersion,
        waitSeconds: query.waitSeconds,
        ifNoneMatch,
        acceptLanguage,
      },
      res,
    );
  }

  @UserStep({
    path: 'identity',
    status: 202,
    rateLimit: ['identityCheck', 'guess'],
    secrets: ['paymentPassword'],
    summary: 'Step 2: name, ID number and payment password',
    description:
      'The identity authority is asked at once; `identityCheck: retrying` while it is unavailable. A wrong password is 422 `wrong_payment_password` with `attemptsLeft`; the fifth in a row locks (423).',
    problems: [
      VALIDATION_FAILED,
      problem(422, 'wrong_payment_password', 'The payment password is wrong.', { attemptsLeft: 4 }),
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(409, 'identity_already_confirmed', 'The identity is confirmed and cannot change.'),
      problem(409, 'identity_appeal_denied', 'The appeal about this identity was denied.'),
      problem(
        409,
        'identity_has_associated_accounts',
        'Other accounts are associated with this identity.',
      ),
      LOCKED,
      problem(429, 'guess_in_progress', 'Another answer for this account is being checked.', {
        retryAfterSeconds: 1,
      }),
    ],
  })
  submitIdentity(
    @CurrentPrincipal() user: Principal,
    @Body() body: SubmitIdentityDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(
      res,
      new SubmitIdentityCommand(
        user.sub,
        { name: body.name, idNumber: body.idNumber },
        body.paymentPassword,
        request(key),
      ),
    );
  }

  @UserStep({
    path: 'manual-review',
    status: 202,
    rateLimit: ['upload'],
    upload: CERTIFICATES,
    summary: 'Step 2.1: apply for manual review with dual certificates',
    description: 'Also answers a reviewer’s request to upload the certificates again.',
    problems: [WRONG_STATE, VERSION_CONFLICT, LOCKED],
  })
  async requestManualReview(
    @CurrentPrincipal() user: Principal,
    @UploadedFiles() files: { certificates?: UploadedPart[] } | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    const certificates = await acceptCertificates(files, this.config.uploads);
    return this.step(res, new RequestManualReviewCommand(user.sub, certificates, request(key)));
  }

  @UserStep({
    path: 'occupancy',
    status: 200,
    summary: 'Step 2.2: the identity is held by another account — is it the user’s own?',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT, LOCKED],
  })
  decideOccupancy(
    @CurrentPrincipal() user: Principal,
    @Body() body: DecideOccupancyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new DecideOccupancyCommand(user.sub, body.decision, request(key)));
  }

  @UserStep({
    path: 'appeal',
    status: 202,
    rateLimit: ['upload'],
    upload: CERTIFICATES,
    summary: 'Step 2.2 A, not mine: appeal with dual certificates (3 working days)',
    description: 'Also answers support’s request to upload the certificates again.',
    problems: [WRONG_STATE, VERSION_CONFLICT, LOCKED, CALENDAR_OUT_OF_RANGE],
  })
  async fileAppeal(
    @CurrentPrincipal() user: Principal,
    @UploadedFiles() files: { certificates?: UploadedPart[] } | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    const certificates = await acceptCertificates(files, this.config.uploads);
    return this.step(res, new FileAppealCommand(user.sub, certificates, request(key)));
  }

  @UserStep({
    path: 'identity/confirm',
    status: 200,
    summary: 'Step 3: confirm name and ID number (irrevocable)',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT, LOCKED],
  })
  confirmIdentity(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new ConfirmIdentityCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'identity/defer',
    status: 200,
    summary: 'Step 3, not yet: back home; not authenticated until the user confirms',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT, LOCKED],
  })
  deferConfirmation(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new DeferConfirmationCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'id-documents',
    status: 202,
    rateLimit: ['upload'],
    upload: ID_PHOTOS,
    summary: 'Step 4: ID card photos (front and back) — no payment limit once accepted',
    description: 'Also after authentication at the limited tier, to lift the limits.',
    problems: [WRONG_STATE, VERSION_CONFLICT],
  })
  async submitIdDocuments(
    @CurrentPrincipal() user: Principal,
    @UploadedFiles() files: { front?: UploadedPart[]; back?: UploadedPart[] } | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    const { front, back } = await acceptIdPhotos(files, this.config.uploads);
    return this.step(res, new SubmitIdDocumentsCommand(user.sub, front, back, request(key)));
  }

  @UserStep({
    path: 'id-documents/skip',
    status: 200,
    summary:
      'Step 4, skip: limited tier (collections 20,000 yuan a month, all 50,000 yuan a month)',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT],
  })
  skipIdDocuments(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new SkipIdDocumentsCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'bank-card',
    status: 202,
    rateLimit: ['guess'],
    summary: 'Step 5: a quick-pay card and the mobile reserved at its bank, or the bound card',
    description:
      'The bank checks name, ID number, card and mobile at once. A bound card that matches authenticates directly.',
    problems: [
      VALIDATION_FAILED,
      problem(
        422,
        'validation_failed',
        'useBoundCard goes without cardNumber and reservedMobile.',
        {
          errors: [
            {
              field: 'useBoundCard',
              code: 'ambiguous_card',
              message: 'useBoundCard goes without cardNumber and reservedMobile',
            },
          ],
        },
      ),
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(409, 'no_bound_card', 'The account has no bound quick-pay card.'),
    ],
  })
  submitBankCard(
    @CurrentPrincipal() user: Principal,
    @Body() body: SubmitBankCardDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new SubmitBankCardCommand(user.sub, cardOf(body), request(key)));
  }

  @UserStep({
    path: 'bank-card/agreement',
    status: 200,
    rateLimit: ['sms'],
    summary: 'Step 5: accept the agreement; an SMS code is sent',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT, SMS_LIMIT_REACHED],
  })
  acceptAgreement(
    @CurrentPrincipal() user: Principal,
    @Body() _body: AcceptAgreementDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new AcceptAgreementCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'bank-card/sms',
    status: 200,
    rateLimit: ['guess'],
    secrets: ['code'],
    summary: 'Step 5: the SMS code (valid 5 minutes, 5 attempts)',
    problems: [
      VALIDATION_FAILED,
      problem(422, 'wrong_sms_code', 'The code is wrong.', { attemptsLeft: 4 }),
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(409, 'code_expired', 'The code has expired; ask for a new one.'),
    ],
  })
  verifySmsCode(
    @CurrentPrincipal() user: Principal,
    @Body() body: VerifySmsCodeDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new VerifySmsCodeCommand(user.sub, body.code, request(key)));
  }

  @UserStep({
    path: 'bank-card/sms/resend',
    status: 200,
    rateLimit: ['sms'],
    summary: 'Step 5: a new SMS code (not within 60 s of the last)',
    problems: [
      VALIDATION_FAILED,
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(429, 'resend_too_soon', 'A new code can be sent 60 seconds after the last.', {
        resendableAt: '2026-11-28T09:01:00.000Z',
        retryAfterSeconds: 42,
      }),
      SMS_LIMIT_REACHED,
    ],
  })
  resendSmsCode(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new ResendSmsCodeCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'bank-card/micro-deposit',
    status: 202,
    summary: 'Step 5, payment verification: send a small amount to the card (1–2 days)',
    problems: [
      VALIDATION_FAILED,
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(
        409,
        'payment_verification_unsupported',
        'This card does not support payment verification.',
      ),
      problem(
        429,
        'attempts_exceeded',
        'Three deposits were sent to this card already; change card.',
      ),
    ],
  })
  requestMicroDeposit(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new RequestMicroDepositCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'bank-card/micro-deposit/confirm',
    status: 200,
    rateLimit: ['guess'],
    secrets: ['amount'],
    summary: 'Step 5, payment verification: the amount received (3 attempts)',
    problems: [
      VALIDATION_FAILED,
      problem(422, 'wrong_amount', 'The amount is wrong.', { attemptsLeft: 2 }),
      WRONG_STATE,
      VERSION_CONFLICT,
      problem(
        409,
        'micro_deposit_expired',
        'The micro-deposit has expired; start again or change card.',
      ),
    ],
  })
  confirmMicroDeposit(
    @CurrentPrincipal() user: Principal,
    @Body() body: ConfirmMicroDepositDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(
      res,
      new ConfirmMicroDepositCommand(user.sub, yuanToFen(body.amount), request(key)),
    );
  }

  @UserStep({
    path: 'bank-card/change',
    status: 200,
    summary: 'Step 5: change to another bank card',
    problems: [VALIDATION_FAILED, WRONG_STATE, VERSION_CONFLICT],
  })
  changeBankCard(
    @CurrentPrincipal() user: Principal,
    @Body() _body: EmptyDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<StatusDocument> {
    return this.step(res, new ChangeBankCardCommand(user.sub, request(key)));
  }

  @UserStep({
    path: 'associations',
    status: 201,
    answer: AssociationAnswerDto,
    summary: 'Step 6: associate another account of the user with this authenticated account',
    description: 'The other account is proven by a token of it (`accountToken`).',
    problems: [
      VALIDATION_FAILED,
      problem(422, 'invalid_account_token', 'accountToken is not a valid, unexpired token.', {
        errors: [
          {
            field: 'accountToken',
            code: 'invalid_account_token',
            message: 'accountToken is not a valid, unexpired token.',
          },
        ],
      }),
      problem(
        409,
        'wrong_state',
        'This account is not authenticated, or the other one cannot be associated.',
      ),
      VERSION_CONFLICT,
    ],
  })
  async associate(
    @CurrentPrincipal() user: Principal,
    @Body() body: AssociateAccountDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<AssociationAnswer> {
    const other = await this.accountOf(body.accountToken);
    return this.commands.execute(new AssociateAccountCommand(user.sub, other, request(key)));
  }

  /** Holding a user token of the other account proves the user controls it. */
  private async accountOf(accountToken: string): Promise<string> {
    let principal: Principal;
    try {
      principal = await this.tokens.verify(accountToken);
    } catch {
      throw new InvalidAccountTokenError('accountToken is not a valid, unexpired token.');
    }
    if (!principal.roles.includes('user')) {
      throw new InvalidAccountTokenError('accountToken is not an account holder’s token.');
    }
    return principal.sub;
  }

  private async step(res: HttpResponse, command: Command<StepAnswer>): Promise<StatusDocument> {
    const answer = await this.commands.execute(command);
    res.header('ETag', answer.etag);
    return answer.document;
  }
}

function request(idempotencyKey: string | undefined): RequestContext {
  return idempotencyKey ? { idempotencyKey } : {};
}

function cardOf(body: SubmitBankCardDto) {
  if (body.useBoundCard) {
    if (body.cardNumber !== undefined || body.reservedMobile !== undefined) {
      throw new ValidationError([
        {
          field: 'useBoundCard',
          code: 'ambiguous_card',
          message: 'useBoundCard goes without cardNumber and reservedMobile',
        },
      ]);
    }
    return 'bound' as const;
  }
  return { cardNumber: body.cardNumber as string, mobile: body.reservedMobile as string };
}
