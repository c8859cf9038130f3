import { bearerTokenOf } from '@shiming/common';
import { cookieOf } from './admin-cookie';

describe('admin cookie and bearer parsing', () => {
  it('finds one cookie among several', () => {
    expect(cookieOf('a=1; shiming_admin=tok.en.x; b=2', 'shiming_admin')).toBe('tok.en.x');
  });

  it('ignores a cookie whose name only ends like ours', () => {
    expect(cookieOf('not_shiming_admin=x', 'shiming_admin')).toBeUndefined();
  });

  it('treats an empty or malformed value as absent', () => {
    expect(cookieOf('shiming_admin=', 'shiming_admin')).toBeUndefined();
    expect(cookieOf('shiming_admin=%E0%A4%A', 'shiming_admin')).toBeUndefined();
    expect(cookieOf(undefined, 'shiming_admin')).toBeUndefined();
  });

  it('reads a bearer token and refuses other schemes', () => {
    expect(bearerTokenOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerTokenOf(['Bearer a'])).toBeUndefined();
  });
});
