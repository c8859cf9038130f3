import { ConfigError, loadConfig } from '@shiming/common';
import { throttlersOf } from './rate-limiter';

describe('rate limit configuration', () => {
  it('has documented defaults for every class', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      default: { windowMs: 60_000, ip: 1200, account: 300, client: 30_000 },
      identityCheck: { windowMs: 3_600_000, ip: 100, account: 10 },
      sms: { windowMs: 3_600_000, ip: 100, account: 10 },
      guess: { windowMs: 3_600_000, ip: 300, account: 30 },
      upload: { windowMs: 3_600_000, ip: 100, account: 20 },
      sandboxToken: { windowMs: 60_000, ip: 60 },
      personalDataSearch: { windowMs: 3_600_000, account: 60 },
    });
  });

  it('takes a class’s limits whole from its variable: a kind of caller left out is not limited', () => {
    const config = loadConfig({ RATE_LIMIT_SMS: ' window:600 , account:3 ' });
    expect(config.rateLimits.sms).toEqual({ windowMs: 600_000, account: 3 });
  });

  it.each([
    ['ip:10', /RATE_LIMIT_GUESS: needs window/],
    ['window:60,ip:0', /RATE_LIMIT_GUESS: ip must be a positive whole number/],
    ['window:60,ip:ten', /ip must be a positive whole number/],
    ['window:60,user:5', /unknown entry "user:5"/],
    ['window:60,ip:5:6', /unknown entry/],
  ])('refuses %j naming the variable', (value, message) => {
    expect(() => loadConfig({ RATE_LIMIT_GUESS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_GUESS: value })).toThrow(message);
  });

  it('makes one throttler per class and kind of caller that has a limit', () => {
    const names = throttlersOf(loadConfig({}).rateLimits).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['default:ip', 'default:client', 'guess:account', 'sandboxToken:ip']),
    );
    expect(names).not.toContain('sandboxToken:account');
    expect(names).toContain('personalDataSearch:account');
    expect(names).toHaveLength(13);
  });
});
