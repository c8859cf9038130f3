// Layer rules from STYLE.md: engine libs never import the domain; domain/ folders stay
// free of frameworks and I/O; nothing imports an app.
module.exports = {
  forbidden: [
    {
      name: 'engine-libs-do-not-import-domain',
      severity: 'error',
      from: { path: '^libs/(event-store|workflow|common)/' },
      to: { path: '^libs/(verification|backoffice|integrations)/' },
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
