import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WrongStateError } from '../../domain';
import { VerificationAccounts } from '../../infrastructure/verification-accounts';
import { StatusAnswers } from '../status-answers';
import { InvalidAccountTokenError } from '../user-step.errors';
import { UserSteps } from '../user-steps';
import { AssociateAccountCommand, type AssociationAnswer } from './associate-account.command';

@CommandHandler(AssociateAccountCommand)
export class AssociateAccountHandler implements ICommandHandler<AssociateAccountCommand> {
  constructor(
    private readonly steps: UserSteps,
    private readonly accounts: VerificationAccounts,
    private readonly answers: StatusAnswers,
  ) {}

  async execute({
    mainAccountId,
    accountId,
    request,
  }: AssociateAccountCommand): Promise<AssociationAnswer> {
    if (accountId === mainAccountId) {
      throw new InvalidAccountTokenError('accountToken is a token of this same account.');
    }
    const main = await this.accounts.load(mainAccountId);
    if (main.state.status !== 'authenticated') {
      throw new WrongStateError(
        main.state.status,
        'AssociateAccount',
        'only an authenticated account can associate others',
      );
    }
    await this.steps.run(
      accountId,
      'associate-account',
      { type: 'AssociateAccount', data: { at: this.steps.now(), mainAccountId } },
      request,
    );
    const answer = await this.answers.current(accountId);
    return { mainAccountId, accountId, status: answer.document };
  }
}
