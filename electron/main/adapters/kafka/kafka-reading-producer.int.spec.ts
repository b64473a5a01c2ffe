// Against a real Kafka broker (scripts/kafka.sh): what goes in comes out, keyed by patient, byte for
// byte the demo's JSON. A broker restart under load is tests/integration/faults/kafka-broker-restart.spec.ts
// (through `simulate --brokers`, which publishes with this producer).
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../../../shared/domain/types';
import { parseReading, toDemoJson } from '../../../../shared/engine/parse-reading';
import { createWardSimulator } from '../../../../shared/simulator/ward-simulator';
import { consumeAll, deleteTopics, ensureKafka, uniqueTopic } from '../../../../tests/support/kafka';
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
  const topics: string[] = [];
  beforeAll(async () => {
    bootstrap = await ensureKafka();
  }, 240_000);
  afterAll(() => deleteTopics(bootstrap, topics), 30_000);

  it('publishes readings keyed by patient_id with the demo JSON as value', async () => {
    const topic = uniqueTopic('ns-producer');
    topics.push(topic);
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
});
