import { buildBankCardNumber } from '@shiming/common/validation/bank-card-number';
import { buildResidentIdNumber } from '@shiming/common/validation/resident-id-number';
import { Agent, request } from 'node:http';
import { serveChild } from './processes';

// Kept-alive connections through `node:http`: the driver shares the machine's cores
// with the services it measures, and Node's `fetch` cost it about three times the CPU
// per request.
const agent = new Agent({ keepAlive: true });

/** One request; its status and body as text. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method, headers, agent, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    sent.on('timeout', () =>
      sent.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

export interface JourneyInput {
  baseUrl: string;
  users: number;
  /** Users start journeys until then, and finish the one they are in. */
  seconds: number;
  /** Serials from here make the ID numbers, cards and mobiles: unique per database. */
  firstSerial: number;
  /** Tells this run's accounts from others' in the same database. */
  runId: string;
}

export interface JourneyResult {
  /** Journey times of the journeys that ended authenticated, in ms. */
  durationsMs: number[];
  /** Failed journeys by step and answer, e.g. `"confirm → 409 wrong_state": 2`. */
  failures: Record<string, number>;
  /** Journeys whose status right after the SMS code's 2xx did not show it. */
  readYourWritesMisses: number;
  /** Requests in all, and those beyond the 11 of a journey (waits for a step, inbox re-reads). */
  requests: number;
  extraRequests: number;
  seconds: number;
  /** The next unused serial. */
  nextSerial: number;
  /** An account that ended authenticated, for the status-poll measurement. */
  sampleAccountId?: string;
  /** This process's CPU over the run, in percent of one core. */
  cpuPercent: number;
  /** Each step's answer times in ms, by step, in journey order. */
  stepsMs: Record<string, number[]>;
}

interface StatusDocument {
  state: string;
  nextActions: string[];
  version: number;
}

class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(`${step} → ${status}${code ? ` ${code}` : ''}`);
  }
}

// How long a client waits for a step the api answered as still in progress.
const STEP_WAIT_MS = 30_000;
const RAMP_UP_MS = 1000;
// An answer slower than this fails the journey instead of holding up the run.
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Full journey 1 as the wallet app walks it, and as the e2e journeys do
 * (test/support/journey.ts: `Account.authenticate`), over HTTP only: a token from the
 * sandbox, the status screen, start, identity, confirm, skip the photos, card,
 * agreement, the code from the sandbox SMS inbox, the code, the status again. Each
 * journey is a new account with its own ID number, card and mobile.
 */
class JourneyDriver {
  requests = 0;
  extraRequests = 0;
  readYourWritesMisses = 0;
  readonly stepsMs: Record<string, number[]> = {};
  private serial: number;

  constructor(private readonly input: JourneyInput) {
    this.serial = input.firstSerial;
  }

  get nextSerial(): number {
    return this.serial;
  }

  private newSerial(): number {
    // A mobile ending in 0000 is one the sandbox bank refuses.
    if (this.serial % 10_000 === 0) this.serial++;
    return this.serial++;
  }

  async journey(): Promise<string> {
    const n = this.newSerial();
    const accountId = `bench-${this.input.runId}-${n}`;
    const day = 86_400_000;
    const birthDate = new Date(Date.UTC(1950, 0, 1) + (n % 18_000) * day);
    // Sequences 998 and 999 are the sandbox authority's unavailable and mismatch.
    const idNumber = buildResidentIdNumber({
      birthDate: birthDate.toISOString().slice(0, 10),
      sequence: Math.floor(n / 18_000) % 997,
    });
    const cardNumber = buildBankCardNumber({ digits7to9: '123', serial: n });
    const mobile = `139${String(n % 100_000_000).padStart(8, '0')}`;

    const { token } = await this.call<{ token: string }>('token', 'POST', '/v1/sandbox/tokens', {
      expect: 201,
      body: { sub: accountId, roles: ['user'] },
    });
    const as = { token };
    await this.call('status (before)', 'GET', '/v1/verification', { ...as, expect: 200 });
    await this.call('start', 'POST', '/v1/verification', {
      ...as,
      expect: 200,
      body: { region: 'mainland' },
    });
    const identity = await this.call<StatusDocument>(
      'identity',
      'POST',
      '/v1/verification/identity',
      { ...as, expect: 202, body: { name: '张三', idNumber, paymentPassword: '135790' } },
    );
    await this.until('identity', token, identity, (s) => s.state === 'identity_verified');
    await this.call('confirm', 'POST', '/v1/verification/identity/confirm', {
      ...as,
      expect: 200,
      body: {},
    });
    await this.call('skip photos', 'POST', '/v1/verification/id-documents/skip', {
      ...as,
      expect: 200,
      body: {},
    });
    const card = await this.call<StatusDocument>('card', 'POST', '/v1/verification/bank-card', {
      ...as,
      expect: 202,
      body: { cardNumber, reservedMobile: mobile },
    });
    await this.until('card', token, card, (s) => s.nextActions.includes('accept_agreement'));
    const agreement = await this.call<StatusDocument>(
      'agreement',
      'POST',
      '/v1/verification/bank-card/agreement',
      { ...as, expect: 200, body: { accepted: true } },
    );
    if (agreement.state !== 'sms_pending')
      throw new StepFailed(`agreement (${agreement.state})`, 200);
    const code = await this.smsCode(mobile);
    const entered = await this.call<StatusDocument>(
      'sms code',
      'POST',
      '/v1/verification/bank-card/sms',
      {
        ...as,
        expect: 200,
        body: { code },
      },
    );
    if (entered.state !== 'authenticated') throw new StepFailed(`sms code (${entered.state})`, 200);
    const after = await this.call<StatusDocument>('status (after)', 'GET', '/v1/verification', {
      ...as,
      expect: 200,
    });
    if (after.state !== entered.state || after.version < entered.version) {
      this.readYourWritesMisses++;
    }
    return accountId;
  }

  /** The code of the newest SMS to the mobile, re-reading the inbox while it has none. */
  private async smsCode(mobile: string): Promise<string> {
    const deadline = Date.now() + STEP_WAIT_MS;
    for (let first = true; ; first = false) {
      if (!first) this.extraRequests++;
      const inbox = await this.call<{ messages: { text: string }[] }>(
        'sms inbox',
        'GET',
        `/v1/sandbox/sms?mobile=${mobile}`,
        { expect: 200 },
      );
      const code = /\b(\d{6})\b/.exec(inbox.messages[0]?.text ?? '')?.[1];
      if (code) return code;
      if (Date.now() > deadline) throw new StepFailed('sms inbox (no code)', 200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Long-polls the status, as the app would, until the step the api accepted is done. */
  private async until(
    step: string,
    token: string,
    answer: StatusDocument,
    done: (status: StatusDocument) => boolean,
  ): Promise<void> {
    const deadline = Date.now() + STEP_WAIT_MS;
    let status = answer;
    while (!done(status)) {
      if (Date.now() > deadline) throw new StepFailed(`${step} (stays ${status.state})`, 200);
      this.extraRequests++;
      status = await this.call<StatusDocument>(
        `${step} (wait)`,
        'GET',
        `/v1/verification?afterVersion=${status.version}&waitSeconds=5`,
        { token, expect: 200 },
      );
    }
  }

  private async call<T = unknown>(
    step: string,
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: object; expect: number },
  ): Promise<T> {
    this.requests++;
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const body = options.body ? JSON.stringify(options.body) : undefined;
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const t0 = performance.now();
    let response: { status: number; text: string };
    try {
      response = await send(`${this.input.baseUrl}${path}`, method, headers, body);
    } catch (error) {
      throw new StepFailed(step, 0, error instanceof Error ? error.name : String(error));
    }
    (this.stepsMs[step] ??= []).push(performance.now() - t0);
    if (response.status !== options.expect) {
      let code: string | undefined;
      try {
        code = (JSON.parse(response.text) as { code?: string }).code;
      } catch {
        // Not problem+json.
      }
      throw new StepFailed(step, response.status, code);
    }
    return (response.text ? JSON.parse(response.text) : undefined) as T;
  }
}

serveChild<JourneyInput, JourneyResult>(async (input) => {
  const driver = new JourneyDriver(input);
  const durationsMs: number[] = [];
  const failures: Record<string, number> = {};
  let sampleAccountId: string | undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + input.seconds * 1000;
  await Promise.all(
    Array.from({ length: input.users }, async (_, user) => {
      // Users arrive over the first second rather than all in the same millisecond.
      await new Promise((resolve) => setTimeout(resolve, (user * RAMP_UP_MS) / input.users));
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          sampleAccountId = await driver.journey();
          durationsMs.push(performance.now() - t0);
        } catch (error) {
          const key = error instanceof StepFailed ? error.message : String(error);
          failures[key] = (failures[key] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    durationsMs,
    failures,
    readYourWritesMisses: driver.readYourWritesMisses,
    requests: driver.requests,
    extraRequests: driver.extraRequests,
    seconds: elapsedMs / 1000,
    nextSerial: driver.nextSerial,
    sampleAccountId,
    cpuPercent: ((used.user + used.system) / 1000 / elapsedMs) * 100,
    stepsMs: driver.stepsMs,
  };
});
