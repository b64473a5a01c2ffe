import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BedSnapshot } from '../../../shared/domain/types';
import { createWsClient, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(
    public url: string,
    public protocols: string[],
  ) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  reply(id: number, result: unknown) {
    this.onmessage?.({ data: JSON.stringify({ id, result }) });
  }
  push(event: string, payload: unknown) {
    this.onmessage?.({ data: JSON.stringify({ event, payload }) });
  }
  lastFrame(): { id: number; channel: string; request: unknown } {
    return JSON.parse(this.sent[this.sent.length - 1]!);
  }
}

function setup(opts: { callTimeoutMs?: number } = {}) {
  vi.useFakeTimers();
  const sockets: FakeSocket[] = [];
  const client = createWsClient({
    url: 'ws://station/ws',
    protocols: ['nurse-station.tok'],
    createSocket: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    backoff: { initialMs: 100, maxMs: 1000 },
    random: () => 0.5,
    callTimeoutMs: opts.callTimeoutMs ?? 5000,
  });
  const current = () => sockets[sockets.length - 1]!;
  return { client, sockets, current };
}

describe('createWsClient', () => {
  afterEach(() => vi.useRealTimers());

  it('connects with the given URL and subprotocol and queues calls made while connecting', async () => {
    const { client, current } = setup();
    expect(current().url).toBe('ws://station/ws');
    expect(current().protocols).toEqual(['nurse-station.tok']);
    expect(client.connected.value).toBe(false);
    expect(client.everConnected.value).toBe(false);
    const p = client.invoke('ward:beds', {});
    expect(current().sent).toHaveLength(0);
    current().open();
    expect(client.connected.value).toBe(true);
    expect(client.everConnected.value).toBe(true);
    const frame = current().lastFrame();
    expect(frame).toMatchObject({ channel: 'ward:beds', request: {} });
    current().reply(frame.id, { ok: true, value: [] });
    await expect(p).resolves.toEqual({ ok: true, value: [] });
  });

  it('handles a frame of several messages in order: events first, then the answer after them', async () => {
    const { client, current } = setup();
    current().open();
    const seen: string[] = [];
    client.on('alerts:changed', (a) => seen.push(`changed ${a.length}`));
    client.on('ward:update', () => seen.push('ward'));
    const p = client.invoke('ward:beds', {}).then(() => seen.push('answer'));
    const id = current().lastFrame().id;
    current().onmessage?.({
      data: JSON.stringify([
        { event: 'alerts:changed', payload: [] },
        { event: 'ward:update', payload: [] },
        { event: 'no-such-event', payload: 1 },
        'noise',
        { id, result: { ok: true, value: [] } },
      ]),
    });
    await p;
    expect(seen).toEqual(['changed 0', 'ward', 'answer']);
  });

  it('matches replies to calls by id, whatever the order', async () => {
    const { client, current } = setup();
    current().open();
    const a = client.invoke('station:info', {});
    const idA = current().lastFrame().id;
    const b = client.invoke('health:get', {});
    const idB = current().lastFrame().id;
    current().reply(idB, { ok: true, value: 'B' });
    current().reply(idA, { ok: true, value: 'A' });
    await expect(a).resolves.toEqual({ ok: true, value: 'A' });
    await expect(b).resolves.toEqual({ ok: true, value: 'B' });
  });

  it('answers in-flight calls with "unavailable" when the connection drops, and fails fast while down', async () => {
    const { client, current } = setup();
    current().open();
    const p = client.invoke('ward:beds', {});
    current().drop();
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('unavailable');
    expect(client.connected.value).toBe(false);
    const q = await client.invoke('ward:beds', {});
    expect(q).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reconnects with growing backoff, counts reconnections and keeps listeners', () => {
    const { client, sockets, current } = setup();
    const seen: BedSnapshot[][] = [];
    client.on('ward:update', (b) => seen.push(b));
    current().open();
    current().drop();
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    current().drop(); // failed attempt: next wait doubles
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    current().open();
    expect(client.connected.value).toBe(true);
    expect(client.reconnects.value).toBe(1);
    current().push('ward:update', [{ patientId: 'P1' }]);
    expect(seen).toEqual([[{ patientId: 'P1' }]]);
  });

  it('caps the backoff', () => {
    const { sockets, current } = setup();
    for (let i = 0; i < 8; i++) {
      current().drop();
      vi.advanceTimersByTime(1000);
    }
    expect(sockets.length).toBe(9);
  });

  it('times out a call the station never answers', async () => {
    const { client, current } = setup({ callTimeoutMs: 1000 });
    current().open();
    const p = client.invoke('ward:beds', {});
    vi.advanceTimersByTime(1000);
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('ignores malformed frames and unknown events, and isolates a throwing listener', () => {
    const { client, current } = setup();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    client.on('rejects:changed', () => {
      throw new Error('boom');
    });
    client.on('rejects:changed', good);
    current().open();
    current().onmessage?.({ data: 'not json' });
    current().onmessage?.({ data: JSON.stringify({ event: 'evil:event', payload: 1 }) });
    current().onmessage?.({ data: JSON.stringify(null) });
    current().push('rejects:changed', { total: 1, byDevice: [] });
    expect(good).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('unsubscribes a listener', () => {
    const { client, current } = setup();
    const l = vi.fn();
    const off = client.on('health:changed', l);
    current().open();
    off();
    current().push('health:changed', []);
    expect(l).not.toHaveBeenCalled();
  });

  it('stops reconnecting after close()', async () => {
    const { client, sockets, current } = setup();
    current().open();
    client.close();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    await expect(client.invoke('ward:beds', {})).resolves.toMatchObject({ ok: false });
  });
});
