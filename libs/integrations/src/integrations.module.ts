import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { PiiVault } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { DataSource } from 'typeorm';
import { BANK_CARD_CHECK } from './bank-card-check.port';
import { BOUND_CARDS } from './bound-cards.port';
import { DOCUMENT_CHECK } from './document-check.port';
import { DOCUMENT_STORAGE } from './documents/document-storage.port';
import { FilesystemDocumentStorage } from './documents/infrastructure/filesystem-document-storage';
import { IDENTITY_AUTHORITY } from './identity-authority.port';
import {
  UnconfiguredBankCardCheck,
  UnconfiguredBoundCards,
  UnconfiguredDocumentCheck,
  UnconfiguredIdentityAuthority,
  UnconfiguredPaymentPasswordVerifier,
  UnconfiguredPayout,
  UnconfiguredSmsGateway,
} from './infrastructure/production/unconfigured-adapters';
import { SandboxBank } from './infrastructure/sandbox/sandbox-bank';
import { SandboxBankCardCheck } from './infrastructure/sandbox/sandbox-bank-card-check';
import { SandboxBoundCards } from './infrastructure/sandbox/sandbox-bound-cards';
import { SandboxDocumentCheck } from './infrastructure/sandbox/sandbox-document-check';
import {
  PgAuthorityCallCounter,
  SandboxIdentityAuthority,
} from './infrastructure/sandbox/sandbox-identity-authority';
import { SandboxPaymentPasswordVerifier } from './infrastructure/sandbox/sandbox-payment-password';
import { SandboxSmsGateway } from './infrastructure/sandbox/sandbox-sms-gateway';
import {
  INTEGRATIONS_OPTIONS,
  resolveIntegrationsOptions,
  type IntegrationsModuleOptions,
  type ResolvedIntegrationsOptions,
} from './integrations.options';
import { PAYMENT_PASSWORD } from './payment-password.port';
import { PAYOUT } from './payout.port';
import { CryptoRandomSource, RANDOM_SOURCE } from './random-source';
import { SMS_GATEWAY } from './sms-gateway.port';

/** The port tokens, bound to the sandbox or the production side. */
const PORTS = [
  IDENTITY_AUTHORITY,
  PAYMENT_PASSWORD,
  BANK_CARD_CHECK,
  BOUND_CARDS,
  SMS_GATEWAY,
  PAYOUT,
  DOCUMENT_CHECK,
] as const;

/** Simulators that the sandbox API reads from or drives (inbox, deposits, binding cards). */
const SANDBOX_CLASSES = [
  SandboxIdentityAuthority,
  SandboxPaymentPasswordVerifier,
  SandboxBankCardCheck,
  SandboxBoundCards,
  SandboxSmsGateway,
  SandboxBank,
  SandboxDocumentCheck,
];

/**
 * Adapters for every outside party, and document storage. Needs a TypeORM `DataSource`
 * and the `CLOCK` (from `TimersModule`) in the application. Global, like the clock:
 * any domain module may ask for a port by its token.
 */
@Module({})
export class IntegrationsModule {
  static forRoot(options: IntegrationsModuleOptions): DynamicModule {
    const resolved = resolveIntegrationsOptions(options);
    const providers: Provider[] = [
      { provide: INTEGRATIONS_OPTIONS, useValue: resolved },
      { provide: RANDOM_SOURCE, useClass: CryptoRandomSource },
      {
        provide: DOCUMENT_STORAGE,
        useFactory: (dataSource: DataSource, clock: Clock, vault: PiiVault) =>
          new FilesystemDocumentStorage(dataSource, clock, vault, {
            root: resolved.documentsRoot,
          }),
        inject: [DataSource, CLOCK, PiiVault],
      },
      ...(resolved.sandbox ? sandboxProviders(resolved) : productionProviders()),
    ];
    return {
      module: IntegrationsModule,
      global: true,
      providers,
      exports: [
        INTEGRATIONS_OPTIONS,
        RANDOM_SOURCE,
        DOCUMENT_STORAGE,
        ...PORTS,
        ...(resolved.sandbox ? SANDBOX_CLASSES : []),
      ],
    };
  }
}

function sandboxProviders(options: ResolvedIntegrationsOptions): Provider[] {
  const withDatabase = [DataSource, CLOCK];
  return [
    {
      provide: SandboxIdentityAuthority,
      useFactory: (dataSource: DataSource, clock: Clock) =>
        new SandboxIdentityAuthority(
          new PgAuthorityCallCounter(dataSource, clock),
          options.authorityUnavailableFailures,
        ),
      inject: withDatabase,
    },
    { provide: SandboxPaymentPasswordVerifier, useValue: new SandboxPaymentPasswordVerifier() },
    { provide: SandboxBankCardCheck, useValue: new SandboxBankCardCheck() },
    {
      provide: SandboxBoundCards,
      useFactory: (dataSource: DataSource, clock: Clock) =>
        new SandboxBoundCards(dataSource, clock),
      inject: withDatabase,
    },
    {
      provide: SandboxSmsGateway,
      useFactory: (dataSource: DataSource, clock: Clock) =>
        new SandboxSmsGateway(dataSource, clock),
      inject: withDatabase,
    },
    {
      provide: SandboxBank,
      useFactory: (dataSource: DataSource, clock: Clock) =>
        new SandboxBank(dataSource, clock, options.depositSettlementMs),
      inject: withDatabase,
    },
    { provide: SandboxDocumentCheck, useValue: new SandboxDocumentCheck() },
    { provide: IDENTITY_AUTHORITY, useExisting: SandboxIdentityAuthority },
    { provide: PAYMENT_PASSWORD, useExisting: SandboxPaymentPasswordVerifier },
    { provide: BANK_CARD_CHECK, useExisting: SandboxBankCardCheck },
    { provide: BOUND_CARDS, useExisting: SandboxBoundCards },
    { provide: SMS_GATEWAY, useExisting: SandboxSmsGateway },
    { provide: PAYOUT, useExisting: SandboxBank },
    { provide: DOCUMENT_CHECK, useExisting: SandboxDocumentCheck },
  ];
}

function productionProviders(): Provider[] {
  return [
    { provide: IDENTITY_AUTHORITY, useClass: UnconfiguredIdentityAuthority },
    { provide: PAYMENT_PASSWORD, useClass: UnconfiguredPaymentPasswordVerifier },
    { provide: BANK_CARD_CHECK, useClass: UnconfiguredBankCardCheck },
    { provide: BOUND_CARDS, useClass: UnconfiguredBoundCards },
    { provide: SMS_GATEWAY, useClass: UnconfiguredSmsGateway },
    { provide: PAYOUT, useClass: UnconfiguredPayout },
    { provide: DOCUMENT_CHECK, useClass: UnconfiguredDocumentCheck },
  ];
}
