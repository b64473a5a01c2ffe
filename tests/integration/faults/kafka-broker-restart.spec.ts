// Fault 3: the Kafka broker restarts while `nurse-station simulate --brokers` publishes. The CLI runs as
// a child process (as a hospital IT person would run it) against a private broker; the test stops the
// broker, starts it again, interrupts the CLI with Ctrl-C, and compares what the CLI says it published
// and delivered with what the topic holds.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/main/cli/main';
import { consumeAll, uniqueTopic } from '../../support/kafka';
import { startPrivateKafka, type PrivateKafkaBroker } from '../../support/private-kafka';
import { closed, exited, missingBinaryNote, sleep, waitFor, which } from '../../support/private-servers';
import { report } from '../helpers/station-fixtures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const available = which('java') !== null;
const SIM_ARGS = ['--beds', '20', '--seed', '5', '--start', '2026-11-20T08:00:00Z', '--time-zone', 'UTC'];

/** The same ward to stdout, as fast as possible: the reference for what the Kafka run published. */
async function simulateToStdout(seconds: number): Promise<string[]> {
  let out = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString('utf8')));
  const code = await runCli(['simulate', ...SIM_ARGS, '--speed', 'max', '--duration', String(seconds)], {
    stdin: Readable.from([]),
    stdout,
    stderr: new PassThrough().resume(),
    signal: new AbortController().signal,
    now: Date.now,
    systemTimeZone: 'UTC',
  });
  await new Promise((r) => setImmediate(r));
  if (code !== 0) throw new Error(`simulate to stdout exited ${code}`);
  return out.split('\n').filter((l) => l !== '');
}
const title = 'Fault: Kafka broker restarts while `simulate --brokers` publishes';
const suite = available ? describe : describe.skip;

suite(available ? title : `${title} — ${missingBinaryNote('Java (for the Kafka broker)')}`, () => {
  let broker: PrivateKafkaBroker;

  beforeAll(async () => {
    broker = (await startPrivateKafka())!;
    expect(broker, 'the Kafka jars (.cache/kafka/libs) could not be had').not.toBeNull();
  }, 180_000);

  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  it('retries, says so, does not crash, and delivers every reading it published', async () => {
    const topic = uniqueTopic('ns-fault-restart');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/main/cli/main.ts',
        'simulate',
        '--brokers',
        broker.bootstrap,
        '--topic',
        topic,
        '--speed',
        '10',
        ...SIM_ARGS,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NURSE_STATION_LOG: 'silent' } },
    );
    const t0 = Date.now();
    const lines: { t: number; text: string }[] = [];
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        lines.push({ t: Date.now() - t0, text: buffered.slice(0, nl) });
        buffered = buffered.slice(nl + 1);
      }
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const has = (re: RegExp) => lines.some((l) => re.test(l.text));

    try {
      await sleep(5_000); // publishing normally (20 beds × 10 × real time = 200 readings/s)
      expect(child.exitCode).toBeNull();
      const stopAt = Date.now() - t0;
      await broker.stop();
      await waitFor('the CLI to report the outage', () => has(/Kafka unavailable, retrying/), 30_000);
      await sleep(4_000); // down a while: readings queue up in the producer
      const restartAt = Date.now() - t0;
      await broker.start();
      const brokerReadyAt = Date.now() - t0;
      await waitFor(
        'the CLI to report the connection restored',
        () => has(/Kafka connection restored/),
        60_000,
      );
      const restoredAt = lines.find((l) => /restored/.test(l.text))!.t;
      await sleep(3_000);
      expect(child.exitCode, lines.map((l) => l.text).join('\n')).toBeNull(); // never crashed
      child.kill('SIGINT'); // Ctrl-C: flush, summarize, exit 0
      const code = await Promise.race([
        closed(child).then(() => child.exitCode),
        sleep(30_000).then(() => 'timeout' as const),
      ]);
      expect(code).toBe(0);
      expect(stdout).toBe('');

      const summary =
        lines.find((l) => l.text.startsWith('simulate: ') && /readings and/.test(l.text))?.text ?? '';
      const m =
        /^simulate: (\d+) readings and (\d+) garbage lines from 20 beds .*; Kafka \S+ topic \S+: (\d+) delivered, (\d+) failed \(interrupted\)$/.exec(
          summary,
        );
      expect(m, lines.map((l) => l.text).join('\n')).not.toBeNull();
      const published = Number(m![1]) + Number(m![2]);
      const delivered = Number(m![3]);
      const failed = Number(m![4]);
      expect(delivered + failed).toBe(published);
      expect(failed).toBe(0);

      const got = await consumeAll(broker.bootstrap, topic, delivered, 30_000);
      expect(got.length).toBeGreaterThanOrEqual(delivered);
      // The simulator is deterministic: the same options to stdout give the messages in production order,
      // so the first `published` lines are exactly what the interrupted run published.
      const seconds = Number(/over (\d+) s of simulated time/.exec(summary)![1]);
      const expected = (await simulateToStdout(seconds + 10)).slice(0, published);
      expect(expected).toHaveLength(published);
      const inTopic = new Map<string, number>();
      for (const g of got) inTopic.set(g.value ?? '', (inTopic.get(g.value ?? '') ?? 0) + 1);
      const want = new Map<string, number>();
      for (const line of expected) want.set(line, (want.get(line) ?? 0) + 1);
      const lost = [...want].filter(([v, n]) => (inTopic.get(v) ?? 0) < n).length;
      const foreign = [...inTopic.keys()].filter((v) => !want.has(v)).length;
      expect(lost).toBe(0);
      expect(foreign).toBe(0);
      const retryLines = lines.filter((l) => /retrying/.test(l.text)).length;
      expect(retryLines).toBeLessThan(10); // reported once per distinct error, not once per retry

      report('fault-3 Kafka broker restart', {
        published,
        readings: Number(m![1]),
        garbageLines: Number(m![2]),
        delivered,
        failed,
        inTopic: got.length,
        lostMessages: lost,
        duplicatesInTopic: got.length - delivered,
        brokerStoppedAtMs: stopAt,
        brokerRestartCalledAtMs: restartAt,
        brokerPortOpenAtMs: brokerReadyAt,
        cliReportedRestoredAtMs: restoredAt,
        statusLines: lines
          .filter((l) => !l.text.startsWith('simulate: ') || !/readings and/.test(l.text))
          .map((l) => l.text),
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
  }, 180_000);
});
