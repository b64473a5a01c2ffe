// The producer's own bookkeeping (batching, retrying, giving up, closing) with a stand-in for kafkajs.
// The real broker is exercised in kafka-reading-producer.int.spec.ts.
import { logLevel, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../shared/domain/types';
import { KafkaReadingProducer, describeKafkaError, type ProducerLike } from './kafka-reading-producer';
import { quietLogCreator } from './quiet-log-creator';

function reading(i: number): Reading {
  return {
    patientId: `P${String((i % 3) + 1).padStart(3, '0')}`,
    deviceId: 'D001',
    measureTime: Date.UTC(2026, 10, 20, 7) + i * 1000,
    heartRate: 80,
    bloodOxygen: 97.5,
    bloodGlucose: 5.25,
  };
}

class FakeProducer {
  sends: ProducerRecord[] = [];
  failNext = 0;
  failAlways = false;
  connects = 0;
  disconnects = 0;
  events = { DISCONNECT: 'producer.disconnect' } as ProducerLike['events'];
  private onDisconnect: (() => void) | null = null;
  async connect() {
    this.connects++;
    if (this.failAlways) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  }
  async disconnect() {
    this.disconnects++;
    this.onDisconnect?.();
    throw new Error('disconnect failures are ignored');
  }
  async send(record: ProducerRecord) {
    if (this.failAlways || this.failNext > 0) {
      this.failNext--;
      const e = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      e.name = 'KafkaJSNumberOfRetriesExceeded';
      throw e;
    }
    this.sends.push(record);
    return [];
  }
  on(_event: string, listener: () => void) {
    this.onDisconnect = listener;
    return () => undefined;
  }
}

function make(
  fake: FakeProducer,
  extra: Partial<ConstructorParameters<typeof KafkaReadingProducer>[0]> = {},
) {
  return new KafkaReadingProducer({
    brokers: ['127.0.0.1:9092'],
    topic: 'vital_signs',
    timeZone: 'UTC',
    producer: fake as unknown as ProducerLike,
    lingerMs: 1,
    ...extra,
  });
}

describe('KafkaReadingProducer', () => {
  it('sends batches keyed by patient_id with the demo JSON, acks=all', async () => {
    const fake = new FakeProducer();
    const p = make(fake, { batchSize: 500 });
    await p.start();
    p.publish(Array.from({ length: 1200 }, (_, i) => reading(i)));
    await p.flush();
    expect(fake.sends.map((s) => s.messages.length)).toEqual([500, 500, 200]);
    expect(fake.sends[0]).toMatchObject({ topic: 'vital_signs', acks: -1 });
    expect(fake.sends[0]!.messages[0]).toEqual({
      key: 'P001',
      value:
        '{"patient_id": "P001", "device_id": "D001", "measure_time": "2026-11-20 07:00:00.000", "heart_rate": 80, "blood_oxygen": 97.5, "blood_glucose": 5.25}',
    });
    expect(p.stats()).toEqual({
      published: 1200,
      delivered: 1200,
      failed: 0,
      queued: 0,
      connected: true,
      lastError: null,
    });
  });

  it('retries a failed send on a fresh connection, reports the error, and clears it once sent', async () => {
    const fake = new FakeProducer();
    const seen: (string | null)[] = [];
    const p = make(fake, { onStatus: (s) => seen.push(s.lastError) });
    await p.start();
    fake.failNext = 2;
    p.publish([reading(1), reading(2)]);
    await p.flush();
    expect(p.stats()).toMatchObject({ delivered: 2, failed: 0, lastError: null, connected: true });
    expect(seen).toContain(
      'KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
    expect(seen.at(-1)).toBeNull();
    expect(fake.disconnects).toBe(2);
    expect(fake.connects).toBe(3);
  }, 10_000);

  it('gives up on messages older than the delivery timeout, counting them as failed', async () => {
    const fake = new FakeProducer();
    let now = 1_000_000;
    const p = make(fake, { deliveryTimeoutMs: 5_000, now: () => now });
    await p.start();
    fake.failAlways = true;
    p.publish([reading(1), reading(2), reading(3)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.stats()).toMatchObject({ queued: 3, failed: 0 });
    now += 6_000;
    await p.flush();
    expect(p.stats()).toMatchObject({ published: 3, delivered: 0, failed: 3, queued: 0 });
    expect(p.stats().lastError).toMatch(/ECONNREFUSED/);
    await p.close(0);
  }, 10_000);

  it('drops the oldest messages beyond maxQueued', async () => {
    const fake = new FakeProducer();
    const p = make(fake, { maxQueued: 10 });
    await p.start();
    fake.failAlways = true;
    p.publish(Array.from({ length: 25 }, (_, i) => reading(i)));
    expect(p.stats()).toMatchObject({ published: 25, queued: 10, failed: 15 });
    fake.failAlways = false;
    const closed = await p.close(5_000);
    expect(closed).toMatchObject({ delivered: 10, failed: 15, queued: 0 });
    // the newest ten survived
    expect(
      fake.sends.flatMap((s) => s.messages.map((m) => JSON.parse(String(m.value)).measure_time)),
    ).toEqual(
      Array.from({ length: 10 }, (_, i) =>
        new Date(reading(15 + i).measureTime).toISOString().replace('T', ' ').slice(0, 23),
      ),
    );
  }, 10_000);

  it('keeps its books straight when the backlog overflows while a batch is in flight', async () => {
    const fake = new FakeProducer();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const send = fake.send.bind(fake);
    fake.send = async (record) => {
      await gate;
      return send(record);
    };
    const p = make(fake, { maxQueued: 5 });
    await p.start();
    p.publish([reading(0), reading(1), reading(2)]);
    await new Promise((r) => setTimeout(r, 20)); // the linger passes: these three are in flight
    p.publish(Array.from({ length: 10 }, (_, i) => reading(3 + i)));
    expect(p.stats()).toMatchObject({ published: 13, failed: 8, queued: 5 });
    release();
    await p.flush();
    const s = p.stats();
    expect(s).toMatchObject({ published: 13, delivered: 5, failed: 8, queued: 0 });
    const sentTimes = fake.sends.flatMap((r) =>
      r.messages.map((m) => JSON.parse(String(m.value)).measure_time),
    );
    expect(sentTimes).toHaveLength(5);
    expect(new Set(sentTimes).size).toBe(5);
  });

  it('close() gives up after its timeout, counts what is left, and never throws', async () => {
    const fake = new FakeProducer();
    const p = make(fake);
    await p.start();
    fake.failAlways = true;
    p.publish([reading(1), reading(2)]);
    const stats = await p.close(300);
    expect(stats).toMatchObject({ published: 2, delivered: 0, failed: 2, queued: 0, connected: false });
    p.publish([reading(3)]); // after close: counted, not sent
    expect(p.stats()).toMatchObject({ published: 3, failed: 3 });
  }, 10_000);

  it('whenBelow() waits for the backlog to shrink', async () => {
    const fake = new FakeProducer();
    const p = make(fake, { batchSize: 100 });
    await p.start();
    fake.failNext = 1;
    p.publish(Array.from({ length: 300 }, (_, i) => reading(i)));
    expect(p.stats().queued).toBe(300);
    await p.whenBelow(150);
    expect(p.stats().queued).toBeLessThan(150);
    await p.flush();
  }, 10_000);

  it('start() rejects with one line when the broker cannot be reached', async () => {
    const fake = new FakeProducer();
    fake.failAlways = true;
    const p = make(fake);
    await expect(p.start()).rejects.toThrow(
      'cannot connect to Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
  });

  it('refuses an empty broker list or topic', () => {
    expect(() => new KafkaReadingProducer({ brokers: [], topic: 't', timeZone: 'UTC' })).toThrow(/brokers/);
    expect(() => new KafkaReadingProducer({ brokers: ['h:1'], topic: '', timeZone: 'UTC' })).toThrow(/topic/);
  });

  it('describes kafkajs errors in one line', () => {
    const inner = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const e = Object.assign(new Error('Connection error'), {
      name: 'KafkaJSConnectionError',
      originalError: inner,
    });
    expect(describeKafkaError(e)).toBe(
      'KafkaJSConnectionError: Connection error (connect ECONNREFUSED 127.0.0.1:1)',
    );
    expect(describeKafkaError('plain')).toBe('plain');
  });
});

describe('quietLogCreator', () => {
  it('keeps WARN and ERROR, drops repeats within the window', () => {
    let now = 0;
    const lines: string[] = [];
    const log = quietLogCreator({ sink: (level, msg) => lines.push(`${level} ${msg}`), now: () => now })(
      logLevel.INFO,
    );
    const entry = (level: logLevel, message: string) =>
      log({ namespace: 'Connection', level, label: '', log: { timestamp: '', message } });
    entry(logLevel.ERROR, 'Connection error: ECONNREFUSED');
    entry(logLevel.ERROR, 'Connection error: ECONNREFUSED');
    entry(logLevel.INFO, 'Reconnecting');
    entry(logLevel.WARN, 'Metadata is stale');
    now += 31_000;
    entry(logLevel.ERROR, 'Connection error: ECONNREFUSED');
    expect(lines).toEqual([
      'error Connection: Connection error: ECONNREFUSED',
      'warn Connection: Metadata is stale',
      'error Connection: Connection error: ECONNREFUSED',
    ]);
  });

  it('is silent without a sink', () => {
    expect(() =>
      quietLogCreator()(logLevel.ERROR)({
        namespace: 'x',
        level: logLevel.ERROR,
        label: '',
        log: { timestamp: '', message: 'm' },
      }),
    ).not.toThrow();
  });
});
