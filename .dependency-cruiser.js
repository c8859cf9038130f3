// Layer rules from STYLE.md: engine libs never import the domain; a context's domain/
// imports only its own domain/ and types, free of frameworks and I/O; another lib is
// used only through its public index.ts; nothing imports an app.

// The engine every bounded context builds on; any other lib is a context of the domain.
const ENGINE = '(event-store|workflow|common)';
// The one file of an engine lib a domain/ imports directly rather than through its index:
// the framework-free DomainError base, which @shiming/common's index would load with Nest.
const DOMAIN_ERROR_BASE = '^libs/common/src/errors/domain-error\\.ts$';
// The tracing SDK, which each entry point loads before anything it instruments: through
// @shiming/common's index it would load ioredis and the rest first.
const TRACING_SDK = '^libs/common/src/tracing/sdk\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'engine-libs-do-not-import-domain',
      comment: 'The engine libs import each other only, never a context (a new lib included).',
      severity: 'error',
      from: { path: `^libs/${ENGINE}/` },
      to: { path: '^libs/', pathNot: `^libs/${ENGINE}/` },
    },
    {
      name: 'verification-does-not-know-the-back-office',
      severity: 'error',
      from: { path: '^libs/verification/' },
      to: { path: '^libs/backoffice/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      from: { path: '/domain/' },
      to: { path: 'node_modules/(@nestjs|typeorm|bullmq|ioredis|pg)/' },
    },
    {
      // One hop to a use case: a slice (commands/<verb-noun>/, queries/<verb-noun>/) uses
      // the domain, views and infrastructure, never another slice.
      name: 'backoffice-slices-stand-alone',
      severity: 'error',
      from: { path: '^libs/backoffice/src/(commands|queries)/([^/]+)/' },
      to: {
        path: '^libs/backoffice/src/(commands|queries)/[^/]+/',
        pathNot: '^libs/backoffice/src/$1/$2/',
      },
    },
    {
      name: 'backoffice-commands-and-queries-stay-apart',
      severity: 'error',
      from: { path: '^libs/backoffice/src/(commands|queries)/' },
      to: { path: '^libs/backoffice/src/(commands|queries)/', pathNot: '^libs/backoffice/src/$1/' },
    },
    {
      // The case as staff see it serves commands and queries alike, so it knows neither.
      name: 'backoffice-views-know-no-use-case',
      severity: 'error',
      from: { path: '^libs/backoffice/src/views/' },
      to: { path: '^libs/backoffice/src/(commands|queries)/' },
    },
    {
      name: 'domain-does-not-import-its-context',
      comment:
        "A context's domain/ imports nothing else of its context: not its commands, queries, " +
        'projections, reactions, timers, infrastructure or module, not even their types.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/domain/' },
      to: { path: '^libs/$1/', pathNot: '^libs/$1/src/domain/' },
    },
    {
      name: 'domain-takes-only-types-from-other-libs',
      comment:
        'From the engine and other contexts a domain/ imports types only (import type), so ' +
        'loading it loads no framework; the DomainError base is the one exception. The ' +
        "specs' helpers in domain/testing/ may use the engine's test helpers.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/domain/', pathNot: '/domain/testing/' },
      to: {
        path: '^libs/',
        pathNot: ['^libs/$1/', DOMAIN_ERROR_BASE],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'other-libs-only-through-their-index',
      comment:
        'Another lib is imported through its public index.ts (@shiming/<lib>), never by a ' +
        'path into its src, whether by alias (@shiming/<lib>/...) or relative.',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$', DOMAIN_ERROR_BASE, TRACING_SDK],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts|\\.int-spec\\.ts)$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
