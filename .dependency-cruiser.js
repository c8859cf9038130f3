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
