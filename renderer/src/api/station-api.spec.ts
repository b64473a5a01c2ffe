import { describe, expect, it } from 'vitest';
import { stripToken, subprotocols, tokenFromLocation, webSocketUrl } from './station-api';

describe('token handling', () => {
  it('finds the token in ?token=, #token= and #/path?token=', () => {
    expect(tokenFromLocation('?token=abcDEF123456789012', '')).toBe('abcDEF123456789012');
    expect(tokenFromLocation('', '#token=xyz_0123456789abcd')).toBe('xyz_0123456789abcd');
    expect(tokenFromLocation('', '#/alerts?token=t0k3n-0123456789')).toBe('t0k3n-0123456789');
    expect(tokenFromLocation('', '#/alerts')).toBeNull();
  });

  it('rejects tokens that are not valid subprotocol characters', () => {
    expect(tokenFromLocation('?token=a%20b', '')).toBeNull();
    expect(tokenFromLocation('?token=a,b', '')).toBeNull();
  });

  it('removes the token from the URL and keeps the route', () => {
    expect(stripToken('http://h:1/?token=abc#/alerts')).toBe('http://h:1/#/alerts');
    expect(stripToken('http://h:1/#token=abc')).toBe('http://h:1/');
    expect(stripToken('http://h:1/#/patients/P1?token=abc&x=1')).toBe('http://h:1/#/patients/P1?x=1');
  });

  it('builds the same-origin WebSocket URL and subprotocol', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:5180' })).toBe('ws://127.0.0.1:5180/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'ward.example' })).toBe('wss://ward.example/ws');
    expect(subprotocols('abc')).toEqual(['nurse-station.abc']);
    expect(subprotocols(null)).toEqual(['nurse-station']);
  });
});
