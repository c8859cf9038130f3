// Loaded with `--require` into the application that the launcher runs over an
// embedded PostgreSQL. A launcher that is killed outright (SIGKILL) stops nothing:
// its IPC channel closes, and the application then stops as on SIGTERM instead of
// running on alone. The next start stops the server it left.
if (process.send) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The channel alone never keeps the application alive.
  process.channel?.unref();
}
