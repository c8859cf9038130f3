// Migrations of the durable timers' schema, in order.
export const timerMigrations: (new () => unknown)[] = [];
