import type {
  BankCardCheck,
  BankCardCheckRequest,
  BankCardCheckResult,
} from '../../bank-card-check.port';
import { sandboxBankCardCheck } from './sandbox-rules';

export class SandboxBankCardCheck implements BankCardCheck {
  async check(request: BankCardCheckRequest): Promise<BankCardCheckResult> {
    return sandboxBankCardCheck(request);
  }
}
