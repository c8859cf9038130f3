import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Metrics } from './metrics';

// The alert rules and the dashboard in docs/ops name only series this registry defines.
const OPS = join(__dirname, '../../../../docs/ops');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

const defined = new Set(new Metrics().metricNames());

/** The registry's series a query names: a histogram's `_bucket`/`_count`/`_sum` are its own. */
function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\bshiming_[a-z0-9_]+/g)].map(([name]) => {
    const base = name.replace(/_(bucket|count|sum)$/, '');
    return defined.has(name) || !defined.has(base) ? name : base;
  });
}

describe('docs/ops', () => {
  const rules = (
    parse(readFileSync(join(OPS, 'prometheus-rules.yml'), 'utf8')) as {
      groups: { name: string; rules: Rule[] }[];
    }
  ).groups.flatMap((group) => group.rules);

  it('has an alert for each signal operators are paged for', () => {
    const expressions = rules.map((rule) => rule.expr).join('\n');
    for (const series of [
      'shiming_subscription_lag_seconds',
      'shiming_timers_overdue',
      'shiming_cases_sla_breached',
      'shiming_outside_call_failures_total',
    ]) {
      expect(expressions).toContain(series);
    }
    expect(rules.map((rule) => rule.expr)).toEqual(
      expect.arrayContaining([
        'min(shiming_calendar_runway_days) < 60',
        'min(shiming_calendar_runway_days) < 14',
      ]),
    );
  });

  it('gives every alert a name, a severity and a summary, and names defined series only', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Shiming[A-Za-z]+$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
      const series = seriesIn(rule.expr);
      expect(series.length).toBeGreaterThan(0);
      for (const name of series)
        expect({ alert: rule.alert, name, defined: defined.has(name) }).toEqual({
          alert: rule.alert,
          name,
          defined: true,
        });
    }
  });

  it('has a dashboard whose every query names defined series only', () => {
    const dashboard = JSON.parse(readFileSync(join(OPS, 'grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: Panel[];
    };
    const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    const queries = panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
    );
    expect(queries.length).toBeGreaterThan(10);
    for (const { panel, expr } of queries) {
      const series = seriesIn(expr);
      expect(series.length).toBeGreaterThan(0);
      for (const name of series)
        expect({ panel, name, defined: defined.has(name) }).toEqual({ panel, name, defined: true });
    }
    // Every documented signal has a panel.
    const all = queries.map((query) => query.expr).join('\n');
    for (const name of defined) {
      if (name.startsWith('shiming_nodejs_') || name.startsWith('shiming_process_')) continue;
      expect({ name, shown: all.includes(name) }).toEqual({ name, shown: true });
    }
  });
});
