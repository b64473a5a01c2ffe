// Integration tests' access to a real Kafka broker: the shared one on 127.0.0.1:9092, started by
// scripts/kafka.sh if nothing answers there. (A broker a test may stop: private-kafka.ts.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/kafka.sh');

function runKafkaScript(
  command: 'start' | 'stop' | 'status',
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [SCRIPT, command],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 240_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`scripts/kafka.sh ${command} failed: ${stderr.trim() || err.message}`));
        else resolve(stdout + stderr);
      },
    );
  });
}

let shared: Promise<string> | null = null;

/** The bootstrap address of a running broker (starts the shared one on 127.0.0.1:9092 if needed). */
export function ensureKafka(): Promise<string> {
  shared ??= runKafkaScript('start').then(
    () => '127.0.0.1:9092',
    (err: unknown) => {
      shared = null;
      throw err;
    },
  );
  return shared;
}

export interface ConsumedMessage {
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
}

/** Reads `topic` from the beginning until `count` messages arrived (or `timeoutMs` passed). */
export async function consumeAll(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ConsumedMessage[]> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    clientId: 'nurse-station-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Math.random().toString(36).slice(2)}` });
  const got: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          got.push({
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            partition,
            offset: message.offset,
          });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return got;
}

/** A fresh topic name, so tests never see each other's messages. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes test topics (best effort: a failure here must not fail the test). */
export async function deleteTopics(bootstrap: string, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'nurse-station-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 5_000 });
  } catch {
    // left for the broker's 24-h retention
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
