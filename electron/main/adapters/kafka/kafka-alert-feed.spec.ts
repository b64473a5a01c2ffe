// The alert feed's reconnect() on a wake (resume, unlock, network back), with a stand-in for kafkajs:
// when it reconnects at once, when after a check, and when it leaves the consumer alone. The real broker
// is exercised in kafka-alert-feed.int.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../core/fake-clock';

const kafkajs = vi.hoisted(() => {
  const EVENTS = {
    GROUP_JOIN: 'consumer.group_join',
    FETCH: 'consumer.fetch',
    CRASH: 'consumer.crash',
    DISCONNECT: 'consumer.disconnect',
  } as const;

  class FakeConsumer {
    readonly events = EVENTS;
    private readonly listeners = new Map<string, ((e: unknown) => void)[]>();
    connected = false;
    on(event: string, listener: (e: unknown) => void) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return () => undefined;
    }
    emit(event: string, payload: unknown = {}) {
      for (const l of this.listeners.get(event) ?? []) l({ payload });
    }
    async connect() {
      state.connects++;
      if (state.brokerDown) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      this.connected = true;
    }
    async subscribe() {}
    async run() {
      this.emit(EVENTS.GROUP_JOIN);
    }
    async disconnect() {
      state.disconnects++;
      this.connected = false;
      this.emit(EVENTS.DISCONNECT);
    }
  }

  const state = {
    brokerDown: false,
    connects: 0,
    disconnects: 0,
    consumers: [] as FakeConsumer[],
  };

  class Kafka {
    consumer() {
      const c = new FakeConsumer();
      state.consumers.push(c);
      return c;
    }
    admin() {
      return {
        connect: async () => {
          if (state.brokerDown) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
        },
        // the group has committed before: no placement needed
        fetchOffsets: async () => [{ topic: 'alerts', partitions: [{ partition: 0, offset: '7' }] }],
        disconnect: async () => undefined,
      };
    }
  }
  return { state, Kafka, EVENTS, logLevel: { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } };
});

vi.mock('kafkajs', () => ({ Kafka: kafkajs.Kafka, logLevel: kafkajs.logLevel }));

const { createKafkaAlertFeed } = await import('./kafka-alert-feed');

/** lets the feed's promise chains (lifecycle, connect, run) settle */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
};

function feed(clock: FakeClock) {
  const log = vi.fn();
  const f = createKafkaAlertFeed({
    brokers: ['127.0.0.1:9092'],
    topic: 'alerts',
    stationId: 'ST-1',
    deliver: async () => undefined,
    clock,
    staleAfterMs: 3_000,
    restartDelayMs: 2_000,
    log,
  });
  return { f, log };
}

const current = () => kafkajs.state.consumers.at(-1)!;

describe('KafkaAlertFeed.reconnect() (wake)', () => {
  afterEach(() => {
    kafkajs.state.brokerDown = false;
    kafkajs.state.connects = 0;
    kafkajs.state.disconnects = 0;
    kafkajs.state.consumers.length = 0;
  });

  it('a feed waiting to try again after a failure tries now, not after its restart delay', async () => {
    const clock = new FakeClock(1_000_000);
    const { f } = feed(clock);
    kafkajs.state.brokerDown = true;
    f.start();
    await settle();
    expect(kafkajs.state.connects).toBe(0); // the admin connect failed first
    expect(f.live()).toBe(false);
    expect(f.problem()).toMatch(/Cannot reach Kafka/);
    kafkajs.state.brokerDown = false; // the network is back
    f.reconnect();
    f.reconnect(); // idempotent: one attempt
    await settle();
    expect(kafkajs.state.connects).toBe(1);
    current().emit(kafkajs.EVENTS.FETCH);
    expect(f.live()).toBe(true);
    // the restart timer was taken over: advancing past it starts nothing more
    clock.advance(5_000);
    await settle();
    expect(kafkajs.state.connects).toBe(1);
    await f.stop();
  });

  it('a joined feed that does not fetch again within staleAfterMs of a wake is reconnected then', async () => {
    const clock = new FakeClock(1_000_000);
    const { f, log } = feed(clock);
    f.start();
    await settle();
    const before = current();
    before.emit(kafkajs.EVENTS.FETCH);
    expect(f.live()).toBe(true);
    // the PC slept: the consumer still counts as joined, and its last fetch looks recent to a
    // monotonic clock that did not run during the suspend, but the connection is dead
    f.reconnect();
    f.reconnect();
    clock.advance(2_999);
    await settle();
    expect(kafkajs.state.disconnects).toBe(0);
    clock.advance(1);
    await settle();
    expect(kafkajs.state.disconnects).toBe(1);
    expect(kafkajs.state.consumers).toHaveLength(2);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/since the station woke up; reconnecting/));
    current().emit(kafkajs.EVENTS.FETCH);
    expect(f.live()).toBe(true);
    await f.stop();
  });

  it('leaves a feed alone that fetches after the wake, and one still joining', async () => {
    const clock = new FakeClock(1_000_000);
    const { f } = feed(clock);
    f.start();
    await settle();
    current().emit(kafkajs.EVENTS.FETCH);
    f.reconnect();
    clock.advance(500);
    current().emit(kafkajs.EVENTS.FETCH); // alive
    clock.advance(5_000);
    await settle();
    expect(kafkajs.state.disconnects).toBe(0);
    expect(kafkajs.state.consumers).toHaveLength(1);

    // dropped out of its group (a rebalance): kafkajs rejoins by itself; a wake does not interrupt it
    current().emit(kafkajs.EVENTS.DISCONNECT);
    f.reconnect();
    clock.advance(10_000);
    await settle();
    expect(kafkajs.state.consumers).toHaveLength(1);
    await f.stop();
    f.reconnect(); // stopped: nothing
    await settle();
    expect(kafkajs.state.consumers).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});
