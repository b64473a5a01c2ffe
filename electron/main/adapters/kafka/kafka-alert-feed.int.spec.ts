// The push path's consumer against the real Kafka broker: it delivers what RisingWave's Kafka sink
// writes (the stand-in's encoding, tests/support/risingwave-bridge.ts), commits a batch's offsets only
// once the station has taken it, and skips what it cannot read without stopping.
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/domain/types';
import { alertId, bucketStart } from '../../../../shared/engine/rules';
import { deleteTopics, ensureKafka, uniqueTopic } from '../../../../tests/support/kafka';
import { kafkaSinkMessage } from '../../../../tests/support/risingwave-bridge';
import { buildIdentifierRule } from '../../../../shared/domain/identifiers';
import { HOSTILE_IDS } from '../../../../tests/support/hostile-ids';
import { createIdentifierGate } from '../identifier-gate';
import { createKafkaAlertFeed, type KafkaAlertFeed, type KafkaAlertFeedOptions } from './kafka-alert-feed';

let bootstrap: string;
let admin: Admin;
let producer: Producer;
const topics: string[] = [];

beforeAll(async () => {
  bootstrap = await ensureKafka();
  const kafka = new Kafka({ clientId: 'alert-feed-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
}, 240_000);

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await deleteTopics(bootstrap, topics);
});

async function newTopic(): Promise<string> {
  const topic = uniqueTopic('ns-alerts');
  topics.push(topic);
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  return topic;
}

function alert(patientId: string): Alert {
  const alertTime = Date.now();
  return {
    // the id the alerts view computes: the feed refuses any other
    alertId: alertId(patientId, 'blood_oxygen', bucketStart(alertTime)),
    patientId,
    deviceId: `D-${patientId}`,
    alertTime,
    alertType: 'blood_oxygen',
    alertDetail: 'Blood oxygen too low: 86%',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 88, bloodOxygen: 86, bloodGlucose: 5.5 },
  };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function committed(groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

function feed(
  topic: string,
  groupId: string,
  deliver: (alerts: Alert[]) => Promise<void>,
  extra: Partial<KafkaAlertFeedOptions> = {},
): KafkaAlertFeed {
  return createKafkaAlertFeed({ brokers: [bootstrap], topic, stationId: 'IT', groupId, deliver, ...extra });
}

describe('Kafka alert feed (real broker)', () => {
  it('delivers sink messages, commits only after delivery, and a restarted feed resumes after them', async () => {
    const topic = await newTopic();
    const groupId = `${topic}-station`;
    const got: Alert[] = [];
    let release: () => void = () => undefined;
    let gate: Promise<void> | null = new Promise<void>((r) => (release = r));
    const first = feed(topic, groupId, async (alerts) => {
      got.push(...alerts);
      if (gate) await gate;
    });
    first.start();
    await until('the feed live', () => first.live());
    const sent = [alert('P1')];
    await producer.send({ topic, messages: sent.map(kafkaSinkMessage) });
    await until('the alert delivered', () => got.length === 1);
    expect(got[0]).toMatchObject({ alertId: sent[0]!.alertId, patientId: 'P1', alertLevel: 1 });
    expect(got[0]!.alertTime).toBe(sent[0]!.alertTime);
    // Delivered but not yet taken (the station has not returned): nothing committed.
    await new Promise((r) => setTimeout(r, 500));
    expect(await committed(groupId, topic)).toBe(0);
    release();
    gate = null;
    await until('the offset committed', async () => (await committed(groupId, topic)) === 1);
    await first.stop();
    expect(first.live()).toBe(false);

    // Written while no station ran: the restarted feed reads them, and not the one it took before.
    const later = [alert('P2'), alert('P3')];
    await producer.send({ topic, messages: later.map(kafkaSinkMessage) });
    const again: Alert[] = [];
    const second = feed(topic, groupId, async (alerts) => {
      again.push(...alerts);
    });
    second.start();
    await until('the two later alerts', () => again.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(again.map((a) => a.alertId).sort()).toEqual(later.map((a) => a.alertId).sort());
    await second.stop();
  }, 90_000);

  it('reads a batch again when the station could not take it', async () => {
    const topic = await newTopic();
    let attempts = 0;
    const got: Alert[] = [];
    const f = feed(topic, `${topic}-station`, async (alerts) => {
      attempts++;
      if (attempts === 1) throw new Error('local cache busy');
      got.push(...alerts);
    });
    f.start();
    await until('the feed live', () => f.live());
    const a = alert('P4');
    await producer.send({ topic, messages: [kafkaSinkMessage(a)] });
    await until('the alert delivered after the failure', () => got.length === 1, 40_000);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(got[0]!.alertId).toBe(a.alertId);
    await f.stop();
  }, 90_000);

  it('counts and skips what it cannot read, and ignores tombstones, without stopping', async () => {
    const topic = await newTopic();
    const got: Alert[] = [];
    const f = feed(topic, `${topic}-station`, async (alerts) => {
      got.push(...alerts);
    });
    f.start();
    await until('the feed live', () => f.live());
    const good = alert('P5');
    await producer.send({
      topic,
      messages: [
        { key: '{"alert_id":"x"}', value: 'not json' },
        { key: kafkaSinkMessage(good).key, value: null },
        { key: 'k', value: JSON.stringify({ alert_id: 'short' }) },
        kafkaSinkMessage(good),
      ],
    });
    await until('the good alert', () => got.length === 1);
    await until('the stats', () => f.stats().undecodable + f.stats().tombstones === 3);
    expect(f.stats()).toMatchObject({ undecodable: 2, tombstones: 1, delivered: 1 });
    await f.stop();
  }, 60_000);

  it('refuses alerts whose ids could spoof a patient, counting them with the rule, without stopping', async () => {
    const topic = await newTopic();
    const got: Alert[] = [];
    const logs: string[] = [];
    const identifiers = buildIdentifierRule(null);
    const f = feed(
      topic,
      `${topic}-station`,
      async (alerts) => {
        got.push(...alerts);
      },
      { identifiers, log: (m) => logs.push(m) },
    );
    f.start();
    await until('the feed live', () => f.live());
    const hostile = HOSTILE_IDS.map(([, v]) => kafkaSinkMessage(alert(v as string)));
    const good = alert('P6');
    await producer.send({ topic, messages: [...hostile, kafkaSinkMessage(good)] });
    await until('the good alert', () => got.length === 1);
    await until('the refusals', () => f.stats().refused === HOSTILE_IDS.length);
    expect(got.map((a) => a.patientId)).toEqual(['P6']);
    expect(f.stats()).toMatchObject({ undecodable: 0, refused: HOSTILE_IDS.length, delivered: 1 });
    // what the RisingWave source's rejects() reads: the tally of the same rule instance
    const summary = createIdentifierGate({ rule: identifiers, source: 'x', log: () => undefined }).rejects();
    expect(summary.total).toBe(HOSTILE_IDS.length);
    expect(summary.byDevice.every((d) => /from Kafka alert push, not shown$/.test(d.lastReason))).toBe(true);
    for (const line of logs) expect(line).toMatch(/^[\x20-\x7e–]*$/); // no id, nothing unprintable
    for (const line of logs) expect(line).not.toMatch(/img|gnp/i);
    await f.stop();
  }, 60_000);

  it('is not live, and says why, when no broker answers', async () => {
    const f = createKafkaAlertFeed({
      brokers: ['127.0.0.1:1'],
      topic: 'nowhere',
      stationId: 'IT',
      deliver: async () => undefined,
    });
    f.start();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(f.live()).toBe(false);
    expect(f.problem()).toMatch(/Kafka/);
    await f.stop();
  }, 30_000);
});
