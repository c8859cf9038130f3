import { Metrics } from './metrics';

describe('Metrics', () => {
  it('leaves the calendar runway out until it is set, then exposes it', async () => {
    const metrics = new Metrics();
    expect(await metrics.scrape()).not.toContain('shiming_calendar_runway_days');
    metrics.setCalendarRunwayDays(42);
    metrics.setCalendarRunwayDays(41);
    expect(await metrics.scrape()).toContain('shiming_calendar_runway_days 41');
    expect(metrics.metricNames()).toContain('shiming_calendar_runway_days');
  });

  it('reads a scrape-time source once within its time to live, and again after it', async () => {
    const metrics = new Metrics();
    let reads = 0;
    metrics.addSource({
      name: 'cases',
      ttlMs: 60_000,
      read: async () => {
        reads++;
        return [{ metric: 'cases_open', labels: { kind: 'appeal' }, value: reads }];
      },
    });
    const [first] = await Promise.all([metrics.scrape(), metrics.scrape()]);
    expect(first).toContain('shiming_cases_open{kind="appeal"} 1');
    expect(await metrics.scrape()).toContain('shiming_cases_open{kind="appeal"} 1');
    expect(reads).toBe(1);
  });

  it('scrapes without the series of a source that fails', async () => {
    const metrics = new Metrics();
    metrics.addSource({
      name: 'timers',
      ttlMs: 0,
      read: () => Promise.reject(new Error('database away')),
    });
    const text = await metrics.scrape();
    expect(text).toContain('# TYPE shiming_timers_pending gauge');
    expect(text).not.toMatch(/^shiming_timers_pending\{/m);
  });

  it('counts commands and the types of the events they stored', async () => {
    const metrics = new Metrics();
    metrics.observeCommand({
      command: 'SubmitIdentity',
      seconds: 0.02,
      outcome: 'appended',
      eventTypes: ['IdentitySubmitted', 'IdentityMatched'],
    });
    metrics.commandRetried('SubmitIdentity');
    const text = await metrics.scrape();
    expect(text).toContain(
      'shiming_command_duration_seconds_count{command="SubmitIdentity",outcome="appended"} 1',
    );
    expect(text).toContain('shiming_events_appended_total{type="IdentityMatched"} 1');
    expect(text).toContain('shiming_command_conflict_retries_total{command="SubmitIdentity"} 1');
  });
});
