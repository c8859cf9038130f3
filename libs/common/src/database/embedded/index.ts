// Imported by path (`@shiming/common/database/embedded`) by the launcher, the tests'
// set-up and the benchmarks, not through the library's index: that one loads Nest,
// which the launcher, a process of its own, has no use for.
export * from './embedded-postgres';
export * from './launcher';
export * from './launcher-config';
