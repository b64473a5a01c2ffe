// `simulate --brokers` end to end against a real broker: the messages in Kafka are exactly the ones the
// same command writes to stdout, keyed by patient_id.
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeAll, deleteTopics, ensureKafka, uniqueTopic } from '../../../tests/support/kafka';
import type { CliIo } from './cli-io';
import { runCli } from './main';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const err = new PassThrough().on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: out,
    stderr: err,
    signal: new AbortController().signal,
    now: Date.now,
    systemTimeZone: 'UTC',
  };
  const code = await runCli(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout, stderr };
}

describe('nurse-station simulate --brokers (real broker)', () => {
  let bootstrap: string;
  const topic = uniqueTopic('ns-simulate');
  beforeAll(async () => {
    bootstrap = await ensureKafka();
  }, 240_000);
  afterAll(() => deleteTopics(bootstrap, [topic]), 30_000);

  it('publishes the simulated ward into a topic', async () => {
    const args = [
      'simulate',
      '--duration',
      '120',
      '--speed',
      'max',
      '--start',
      '2026-11-20T08:00:00Z',
      '--seed',
      '3',
    ];
    const kafka = await cli([...args, '--brokers', bootstrap, '--topic', topic]);
    expect(kafka.code).toBe(0);
    expect(kafka.stdout).toBe('');
    const m =
      /^simulate: (\d+) readings and (\d+) garbage lines from 12 beds over 120 s of simulated time \(seed 3\); Kafka \S+ topic \S+: (\d+) delivered, 0 failed\n$/.exec(
        kafka.stderr,
      );
    expect(m, kafka.stderr).not.toBeNull();
    const total = Number(m![1]) + Number(m![2]);
    expect(Number(m![3])).toBe(total);

    const expected = (await cli(args)).stdout.trim().split('\n');
    expect(expected).toHaveLength(total);
    const got = await consumeAll(bootstrap, topic, total);
    expect(got.map((x) => x.value).sort()).toEqual([...expected].sort());
    for (const x of got) expect(x.value).toContain(`"patient_id": "${x.key}"`);
  }, 60_000);

  it('exits 1 with one line when no broker answers', async () => {
    const r = await cli(['simulate', '--duration', '5', '--speed', 'max', '--brokers', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nurse-station simulate: cannot connect to Kafka at 127\.0\.0\.1:1: [^\n]+\n$/);
  }, 30_000);
});
