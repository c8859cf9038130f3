import type {
  BankCardCheck,
  BankCardCheckRequest,
  BankCardCheckResult,
} from '../../bank-card-check.port';
import type { BoundCard, BoundCards } from '../../bound-cards.port';
import type { DocumentCheck, DocumentCheckResult, IdPhoto } from '../../document-check.port';
import type {
  IdentityAuthority,
  IdentityCheck,
  IdentityCheckOutcome,
} from '../../identity-authority.port';
import { IntegrationNotConfiguredError } from '../../integration.errors';
import type { PaymentPasswordVerifier } from '../../payment-password.port';
import type { MicroDeposit, Payout, SentDeposit, SettledDeposit } from '../../payout.port';
import type { SentSms, SmsGateway } from '../../sms-gateway.port';

// The production side of each port until its provider is contracted. They fail on use,
// not at boot, so that a production deployment still serves health, the back office and
// status reads. Arguments are ignored, never echoed: they carry personal data and secrets.

export class UnconfiguredIdentityAuthority implements IdentityAuthority {
  async check(_request: IdentityCheck): Promise<IdentityCheckOutcome> {
    throw new IntegrationNotConfiguredError('Identity authority', 'IDENTITY_AUTHORITY_URL');
  }
}

export class UnconfiguredPaymentPasswordVerifier implements PaymentPasswordVerifier {
  async verify(_accountId: string, _password: string): Promise<boolean> {
    throw new IntegrationNotConfiguredError(
      'Payment password service',
      'PAYMENT_PASSWORD_SERVICE_URL',
    );
  }
}

export class UnconfiguredBankCardCheck implements BankCardCheck {
  async check(_request: BankCardCheckRequest): Promise<BankCardCheckResult> {
    throw new IntegrationNotConfiguredError('Bank four-element check', 'BANK_CARD_CHECK_URL');
  }
}

export class UnconfiguredBoundCards implements BoundCards {
  async findBoundCard(_accountId: string): Promise<BoundCard | null> {
    throw new IntegrationNotConfiguredError('Bound-card lookup', 'BOUND_CARDS_SERVICE_URL');
  }
}

export class UnconfiguredSmsGateway implements SmsGateway {
  async send(_mobile: string, _text: string): Promise<SentSms> {
    throw new IntegrationNotConfiguredError('SMS gateway', 'SMS_GATEWAY_URL');
  }
}

export class UnconfiguredPayout implements Payout {
  async send(_deposit: MicroDeposit): Promise<SentDeposit> {
    throw new IntegrationNotConfiguredError('Micro-deposit payout', 'PAYOUT_SERVICE_URL');
  }

  async settle(_depositId: string): Promise<SettledDeposit> {
    throw new IntegrationNotConfiguredError('Micro-deposit payout', 'PAYOUT_SERVICE_URL');
  }
}

export class UnconfiguredDocumentCheck implements DocumentCheck {
  async check(_photo: IdPhoto): Promise<DocumentCheckResult> {
    throw new IntegrationNotConfiguredError('ID photo check', 'DOCUMENT_CHECK_URL');
  }
}
