import type { PaymentPasswordVerifier } from '../../payment-password.port';
import { sandboxPaymentPasswordIsRight } from './sandbox-rules';

/** `000000` is wrong; any other six digits are right. Keeps and logs nothing. */
export class SandboxPaymentPasswordVerifier implements PaymentPasswordVerifier {
  async verify(_accountId: string, password: string): Promise<boolean> {
    return sandboxPaymentPasswordIsRight(password);
  }
}
