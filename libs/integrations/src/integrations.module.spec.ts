import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigError, PiiVault } from '@shiming/common';
import { CLOCK } from '@shiming/workflow';
import { DataSource } from 'typeorm';
import { BANK_CARD_CHECK, type BankCardCheck } from './bank-card-check.port';
import { BOUND_CARDS } from './bound-cards.port';
import { DOCUMENT_CHECK } from './document-check.port';
import { DOCUMENT_STORAGE } from './documents/document-storage.port';
import { FilesystemDocumentStorage } from './documents/infrastructure/filesystem-document-storage';
import { IDENTITY_AUTHORITY, type IdentityAuthority } from './identity-authority.port';
import { SandboxBank } from './infrastructure/sandbox/sandbox-bank';
import { SandboxSmsGateway } from './infrastructure/sandbox/sandbox-sms-gateway';
import { IntegrationNotConfiguredError } from './integration.errors';
import { IntegrationsModule } from './integrations.module';
import {
  INTEGRATIONS_OPTIONS,
  resolveIntegrationsOptions,
  type ResolvedIntegrationsOptions,
} from './integrations.options';
import { PAYMENT_PASSWORD, type PaymentPasswordVerifier } from './payment-password.port';
import { PAYOUT, type Payout } from './payout.port';
import { RANDOM_SOURCE } from './random-source';
import { SMS_GATEWAY, type SmsGateway } from './sms-gateway.port';

// What the application provides: no query runs while the module is built.
@Global()
@Module({
  providers: [
    { provide: DataSource, useValue: {} },
    { provide: CLOCK, useValue: { now: () => new Date('2026-01-05T01:00:00Z') } },
    { provide: PiiVault, useValue: {} },
  ],
  exports: [DataSource, CLOCK, PiiVault],
})
class AppStubs {}

async function build(sandbox: boolean) {
  const module = await Test.createTestingModule({
    imports: [AppStubs, IntegrationsModule.forRoot({ sandbox })],
  }).compile();
  return module;
}

describe('IntegrationsModule', () => {
  it('binds every port to its simulator in the sandbox', async () => {
    const module = await build(true);
    expect(module.get(SMS_GATEWAY)).toBe(module.get(SandboxSmsGateway));
    expect(module.get(PAYOUT)).toBe(module.get(SandboxBank));
    await expect(
      module.get<PaymentPasswordVerifier>(PAYMENT_PASSWORD).verify('acc', '000000'),
    ).resolves.toBe(false);
    await expect(
      module.get<BankCardCheck>(BANK_CARD_CHECK).check({
        name: '张三',
        idNumber: '110101199003071234',
        cardNumber: '6222029981234567',
        mobile: '13800138000',
      }),
    ).resolves.toMatchObject({ outcome: 'not_quick_pay' });
    expect(module.get(DOCUMENT_STORAGE)).toBeInstanceOf(FilesystemDocumentStorage);
    expect(module.get(RANDOM_SOURCE).int(1, 2)).toBe(1);
    expect(module.get<ResolvedIntegrationsOptions>(INTEGRATIONS_OPTIONS)).toMatchObject({
      documentsRoot: './var/documents',
      depositSettlementMs: 86_400_000,
      authorityUnavailableFailures: 2,
    });
    await module.close();
  });

  it('binds the production adapters outside the sandbox, which say what to configure', async () => {
    const module = await build(false);
    await expect(
      module.get<IdentityAuthority>(IDENTITY_AUTHORITY).check({ name: 'x', idNumber: 'y' }),
    ).rejects.toThrow(/IDENTITY_AUTHORITY_URL/);
    await expect(module.get<SmsGateway>(SMS_GATEWAY).send('138', 'hi')).rejects.toBeInstanceOf(
      IntegrationNotConfiguredError,
    );
    await expect(module.get<Payout>(PAYOUT).settle('d')).rejects.toThrow(/PAYOUT_SERVICE_URL/);
    expect(module.get(BOUND_CARDS)).toBeDefined();
    expect(module.get(DOCUMENT_CHECK)).toBeDefined();
    expect(() => module.get(SandboxSmsGateway)).toThrow();
    expect(module.get(DOCUMENT_STORAGE)).toBeInstanceOf(FilesystemDocumentStorage);
    await module.close();
  });

  it('never echoes the payment password in the not-configured error', async () => {
    const module = await build(false);
    const error = await module
      .get<PaymentPasswordVerifier>(PAYMENT_PASSWORD)
      .verify('acc', '123987')
      .catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain('123987');
    expect((error as Error).message).toContain('PAYMENT_PASSWORD_SERVICE_URL');
    await module.close();
  });
});

describe('resolveIntegrationsOptions', () => {
  it('refuses bad numbers, naming each', () => {
    const resolve = () =>
      resolveIntegrationsOptions({
        sandbox: true,
        depositSettlementMs: -1,
        authorityUnavailableFailures: 1.5,
      });
    expect(resolve).toThrow(ConfigError);
    expect(() => resolve()).toThrow(
      expect.objectContaining({
        problems: [
          'depositSettlementMs: must be a whole number of milliseconds, 0 or more',
          'authorityUnavailableFailures: must be a whole number, 0 or more',
        ],
      }),
    );
  });

  it('keeps the values given', () => {
    expect(
      resolveIntegrationsOptions({
        sandbox: false,
        documentsRoot: '/srv/docs',
        depositSettlementMs: 1000,
        authorityUnavailableFailures: 0,
      }),
    ).toMatchObject({
      sandbox: false,
      documentsRoot: '/srv/docs',
      depositSettlementMs: 1000,
      authorityUnavailableFailures: 0,
    });
  });
});
