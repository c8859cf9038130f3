import { randomBytes, randomInt } from 'node:crypto';
import { buildBankCardNumber } from '@shiming/common/validation/bank-card-number';
import { buildResidentIdNumber } from '@shiming/common/validation/resident-id-number';

// `npm run journey [-- <base URL>]`: walks one account through a running service
// in the sandbox, over HTTP, as the wallet app would: start, identity, confirm, skip
// the ID photos, bank card, agreement, the SMS code from the sandbox inbox →
// authenticated. The same steps as the end-to-end journeys (test/support/journey.ts),
// against a real process instead of one built in the test. Exits 1 on the first step
// that does not answer as expected.
const base = (process.argv[2] ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const WAIT_MS = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, token?: string, body?: object) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} } as Answer;
}

async function step(
  name: string,
  expected: number,
  request: () => Promise<Answer>,
  check: (body: Record<string, unknown>) => boolean = () => true,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const answer = await request();
  if (answer.status !== expected || !check(answer.body)) {
    throw new Error(
      `${name}: expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  }
  const state = typeof answer.body.state === 'string' ? ` → ${answer.body.state}` : '';
  process.stdout.write(`ok  ${name}${state} (${Math.round(performance.now() - started)} ms)\n`);
  return answer.body;
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await attempt();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const accountId = `journey-${randomBytes(5).toString('hex')}`;
  const idNumber = buildResidentIdNumber({
    birthDate: new Date(Date.UTC(1960, 0, 1) + randomInt(0, 40 * 365) * 86_400_000)
      .toISOString()
      .slice(0, 10),
  });
  const cardNumber = buildBankCardNumber({ digits7to9: '123', serial: randomInt(0, 1e9) });
  const mobile = `139${String(randomInt(0, 1e8)).padStart(8, '0')}`;

  await step('ready', 200, () => call('GET', '/health/ready'));
  const { token } = (await step('sandbox token', 201, () =>
    call('POST', '/v1/sandbox/tokens', undefined, { sub: accountId, roles: ['user'] }),
  )) as { token: string };
  await step('start', 200, () => call('POST', '/v1/verification', token, { region: 'mainland' }));
  await step(
    'identity',
    202,
    () =>
      call('POST', '/v1/verification/identity', token, {
        name: '张三',
        idNumber,
        paymentPassword: '135790',
      }),
    (body) => body.state === 'identity_verified',
  );
  await step('confirm identity', 200, () =>
    call('POST', '/v1/verification/identity/confirm', token, {}),
  );
  await step('skip ID photos', 200, () =>
    call('POST', '/v1/verification/id-documents/skip', token, {}),
  );
  await step(
    'bank card',
    202,
    () => call('POST', '/v1/verification/bank-card', token, { cardNumber, reservedMobile: mobile }),
    (body) => (body.nextActions as string[] | undefined)?.includes('accept_agreement') ?? false,
  );
  await step(
    'accept agreement',
    200,
    () => call('POST', '/v1/verification/bank-card/agreement', token, { accepted: true }),
    (body) => body.state === 'sms_pending',
  );
  const code = await eventually('SMS code in the sandbox inbox', async () => {
    const inbox = await call('GET', `/v1/sandbox/sms?mobile=${mobile}`);
    const messages = (inbox.body.messages ?? []) as { text: string }[];
    return /\b(\d{6})\b/.exec(messages[0]?.text ?? '')?.[1];
  });
  process.stdout.write('ok  SMS code received\n');
  await step(
    'SMS code',
    200,
    () => call('POST', '/v1/verification/bank-card/sms', token, { code }),
    (body) => body.state === 'authenticated',
  );
  const status = await eventually('status authenticated', async () => {
    const answer = await call('GET', '/v1/verification', token);
    return answer.body.state === 'authenticated' ? answer.body : undefined;
  });
  process.stdout.write(
    `Journey passed: ${accountId} is ${String(status.state)} at tier ${String(status.tier)} ` +
      `(${Math.round(performance.now() - started)} ms)\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`Journey failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
