import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every OpenTelemetry package the project depends on, but the API that our code calls
// whether or not tracing is on (it does nothing without a registered provider).
const SDK_PACKAGES = Object.keys(
  (
    JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
).filter((name) => name.startsWith('@opentelemetry/') && name !== '@opentelemetry/api');

/**
 * Loads the tracing entry (`sdk.ts`) in a module registry of its own, where each SDK
 * package notes that it was loaded, then runs `use` on it; gives the packages loaded.
 */
async function sdkPackagesLoaded(
  use: (sdk: typeof import('./sdk')) => Promise<void> | void,
): Promise<string[]> {
  const loaded = new Set<string>();
  let sdk: typeof import('./sdk') | undefined;
  jest.isolateModules(() => {
    for (const name of SDK_PACKAGES) {
      jest.doMock(name, () => {
        loaded.add(name);
        return jest.requireActual(name);
      });
    }
    sdk = jest.requireActual<typeof import('./sdk')>('./sdk');
  });
  await use(sdk!);
  for (const name of SDK_PACKAGES) jest.dontMock(name);
  return [...loaded].sort();
}

describe('the tracing entry point', () => {
  it('knows the SDK packages it must not load when off', () => {
    expect(SDK_PACKAGES).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-trace-node',
        '@opentelemetry/exporter-trace-otlp-proto',
        '@opentelemetry/instrumentation-pg',
      ]),
    );
  });

  it.each([{}, { OTEL_ENABLED: 'false' }])(
    'loads no SDK, exporter or instrumentation module when tracing is off (%j)',
    async (environment) => {
      const loaded = await sdkPackagesLoaded(async (sdk) => {
        expect(sdk.startTracingIfConfigured('shiming-test', environment)).toBeNull();
        await sdk.stopTracing();
      });
      expect(loaded).toEqual([]);
    },
  );

  it('loads them once tracing is on', async () => {
    const loaded = await sdkPackagesLoaded(async (sdk) => {
      const tracing = sdk.startTracingIfConfigured('shiming-test', {
        OTEL_ENABLED: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      });
      expect(tracing).not.toBeNull();
      await sdk.stopTracing();
    });
    expect(loaded).toEqual(
      expect.arrayContaining([
        '@opentelemetry/exporter-trace-otlp-proto',
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/sdk-trace-node',
      ]),
    );
  });
});
