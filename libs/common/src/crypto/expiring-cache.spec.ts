import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => (now = 0));

  it('forgets an entry when its time is up', () => {
    const cache = new ExpiringCache<string, number>(1000, 10, clock);
    cache.set('a', 1);
    now = 999;
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry beyond its bound', () => {
    const cache = new ExpiringCache<string, number>(1000, 2, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('keeps nothing with a TTL of 0', () => {
    const cache = new ExpiringCache<string, number>(0, 10, clock);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
