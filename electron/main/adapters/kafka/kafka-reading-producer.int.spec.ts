// Against a real Kafka broker (scripts/kafka.sh): what goes in comes out, keyed by patient, byte for
// byte the demo's JSON; and a broker restart costs no readings.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../../../shared/domain/types';
import { parseReading, toDemoJson } from '../../../../shared/engine/parse-reading';
import { createWardSimulator } from '../../../../shared/simulator/ward-simulator';
import { consumeAll, ensureKafka, privateKafka, uniqueTopic } from '../../../../tests/support/kafka';
import { KafkaReadingProducer } from './kafka-reading-producer';

const TZ = 'Europe/Berlin';

function readings(n: number, beds: number, seed: number): Reading[] {
  const sim = createWardSimulator({ beds, seed, startTime: Date.UTC(2026, 10, 20, 7), scenarios: 'none' });
  const out: Reading[] = [];
  for (let t = Date.UTC(2026, 10, 20, 7); out.length < n; t += 1000) {
    for (const e of sim.nextBatch(t)) if (e.kind === 'reading' && out.length < n) out.push(e.reading);
  }
  return out;
}

describe('KafkaReadingProducer (real broker)', () => {
  let bootstrap: string;
  beforeAll(async () => {
    bootstrap = await ensureKafka();
  }, 240_000);

  it('publishes readings keyed by patient_id with the demo JSON as value', async () => {
    const topic = uniqueTopic('ns-producer');
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const sent = readings(600, 6, 1);
    const producer = new KafkaReadingProducer({ brokers: [bootstrap], topic, timeZone: TZ, batchSize: 100 });
    await producer.start();
    expect(producer.stats().connected).toBe(true);
    producer.publish(sent.slice(0, 250));
    producer.publish(sent.slice(250));
    await producer.flush();
    expect(producer.stats()).toMatchObject({
      published: 600,
      delivered: 600,
      failed: 0,
      queued: 0,
      lastError: null,
    });
    await producer.close();

    const got = await consumeAll(bootstrap, topic, 600);
    expect(got).toHaveLength(600);
    const byValue = new Map(sent.map((r) => [toDemoJson(r, TZ), r]));
    for (const m of got) {
      const r = byValue.get(m.value!);
      expect(r, `unexpected message ${m.value}`).toBeDefined();
      expect(m.key).toBe(r!.patientId);
      const parsed = parseReading(m.value!, { timeZone: TZ });
      expect(parsed).toEqual({ ok: true, reading: r });
    }
    // one patient, one partition: each patient's readings arrive in order
    const partitions = new Map<string, Set<number>>();
    const last = new Map<string, number>();
    for (const m of got) {
      partitions.set(m.key!, (partitions.get(m.key!) ?? new Set()).add(m.partition));
      const t = byValue.get(m.value!)!.measureTime;
      expect(t).toBeGreaterThan(last.get(m.key!) ?? 0);
      last.set(m.key!, t);
    }
    for (const p of partitions.values()) expect(p.size).toBe(1);
    expect(new Set([...partitions.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
  }, 60_000);

  it('says clearly when no broker answers', async () => {
    const producer = new KafkaReadingProducer({
      brokers: ['127.0.0.1:1'],
      topic: 'x',
      timeZone: TZ,
      retry: { retries: 1, initialRetryTime: 50 },
      connectionTimeoutMs: 500,
    });
    await expect(producer.start()).rejects.toThrow(
      /^cannot connect to Kafka at 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    await producer.close(0);
  }, 20_000);

  describe('across a broker restart', () => {
    const broker = privateKafka(19192);
    beforeAll(async () => {
      await ensureKafka(); // the jars
      await broker.start();
    }, 240_000);
    afterAll(async () => {
      await broker.stop();
    }, 60_000);

    it('keeps what it could not send, reports it, and delivers it when the broker is back', async () => {
      const topic = uniqueTopic('ns-restart');
      const statuses: string[] = [];
      const producer = new KafkaReadingProducer({
        brokers: [broker.bootstrap],
        topic,
        timeZone: TZ,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
        connectionTimeoutMs: 1_000,
        onStatus: (s) => statuses.push(s.lastError === null ? 'ok' : 'error'),
      });
      await producer.start();
      const sent = readings(300, 3, 2);
      producer.publish(sent.slice(0, 100));
      await producer.flush();
      expect(producer.stats().delivered).toBe(100);

      await broker.stop();
      producer.publish(sent.slice(100, 200));
      await new Promise((r) => setTimeout(r, 1_000));
      const during = producer.stats();
      expect(during.delivered).toBe(100);
      expect(during.queued).toBe(100);
      expect(during.lastError).not.toBeNull();
      expect(statuses).toContain('error');

      await broker.start();
      producer.publish(sent.slice(200));
      await producer.flush();
      const after = await producer.close();
      expect(after).toMatchObject({ published: 300, delivered: 300, failed: 0, queued: 0, lastError: null });

      const got = await consumeAll(broker.bootstrap, topic, 300);
      const values = new Set(got.map((m) => m.value));
      // at least once: every reading arrived (a retried batch may arrive twice; the engine drops repeats)
      for (const r of sent) expect(values.has(toDemoJson(r, TZ))).toBe(true);
    }, 90_000);
  });
});
