// Three tiers, each its own project: pure unit specs, integration specs on real
// PostgreSQL and Redis, and end-to-end journeys through HTTP. Without a PostgreSQL
// the global set-up starts an embedded one; without Redis the suites that need it are
// skipped (test/support/redis-suites.ts).
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'))];
const moduleNameMapper = {
  '^@shiming/(common|event-store|workflow|integrations|verification|backoffice|limits)$':
    '<rootDir>/libs/$1/src',
  '^@shiming/(common|event-store|workflow|integrations|verification|backoffice|limits)/(.*)$':
    '<rootDir>/libs/$1/src/$2',
};
// The server's message catalogues and the web app's specs use FormatJS, and
// @fastify/static uses content-disposition, which ship ES modules only (Node loads them
// with require): those packages are compiled to CommonJS for jest like our own code.
const ESM_ONLY = '(react-intl|@formatjs|intl-messageformat|content-disposition)';
const esmToCommonJs = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/${ESM_ONLY}/.+\\.js$`]: esmToCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(.*/node_modules/)?${ESM_ONLY}/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};

module.exports = {
  // Integration tests wait on real services and timers; a hung test should still end.
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/skip-without-redis.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/skip-without-redis.ts'],
    },
  ],
};
