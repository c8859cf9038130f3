import { Module } from '@nestjs/common';
import { AccountLimitsController } from './account-limits.controller';
import { LimitsController } from './limits.controller';

/**
 * The limits' HTTP endpoints: the service API for the payments system and the account
 * holder's own limits. The handlers come from LimitsModule (in the platform).
 */
@Module({ controllers: [LimitsController, AccountLimitsController] })
export class LimitsApiModule {}
