import { benchDatabase } from './support';
import { benchTimers } from './timers.bench';
(async () => {
  const db = await benchDatabase();
  try {
    await benchTimers(db.url);
  } finally {
    await db.drop();
  }
})();
