import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StepAnswer } from '../status-answers';
import { UserSteps } from '../user-steps';
import { DecideOccupancyCommand } from './decide-occupancy.command';

@CommandHandler(DecideOccupancyCommand)
export class DecideOccupancyHandler implements ICommandHandler<DecideOccupancyCommand> {
  constructor(private readonly steps: UserSteps) {}

  execute({ accountId, decision, request }: DecideOccupancyCommand): Promise<StepAnswer> {
    return this.steps.take(
      accountId,
      'decide-occupancy',
      { type: 'DecideOccupancy', data: { at: this.steps.now(), decision } },
      request,
    );
  }
}
