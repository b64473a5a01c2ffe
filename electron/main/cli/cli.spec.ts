import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReading } from '../../../shared/engine/parse-reading';
import type { CliIo } from './cli-io';
import { runCli } from './main';
import { demoSamplePath } from '../../../tests/support/demo-sample';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO = demoSamplePath();
const tmp = mkdtempSync(path.join(tmpdir(), 'ns-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function collector() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

async function cli(argv: string[], opts: { stdin?: string; signal?: AbortSignal; now?: () => number } = {}) {
  const out = collector();
  const err = collector();
  const io: CliIo = {
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    stdout: out.stream,
    stderr: err.stream,
    signal: opts.signal ?? new AbortController().signal,
    now: opts.now ?? Date.now,
    systemTimeZone: 'UTC',
  };
  const code = await runCli(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

const jsonLines = (s: string) =>
  s
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function line(patient: string, time: string, hr = 80, spo2 = 97, glucose = 5.5): string {
  return JSON.stringify({
    patient_id: patient,
    device_id: 'D' + patient.slice(1),
    measure_time: time,
    heart_rate: hr,
    blood_oxygen: spo2,
    blood_glucose: glucose,
  });
}

describe('nurse-station --help', () => {
  it('prints the commands, and each command its options', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: nurse-station <command>/);
    expect(top.stdout).toMatch(/replay FILE\|-/);
    expect(top.stdout).toMatch(/simulate/);
    const replay = await cli(['replay', '--help']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/--time-zone/);
    expect(replay.stdout).toMatch(/--signal-loss-ms/);
    const simulate = await cli(['simulate', '-h']);
    expect(simulate.code).toBe(0);
    for (const o of [
      '--beds',
      '--seed',
      '--rate',
      '--duration',
      '--speed',
      '--brokers',
      '--topic',
      '--time-zone',
    ]) {
      expect(simulate.stdout).toContain(o);
    }
    expect((await cli(['help', 'replay'])).stdout).toBe(replay.stdout);
  });

  it('fails with one clear line on a wrong command or option', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage/);
    const unknown = await cli(['frobnicate']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'nurse-station: unknown command "frobnicate" (see --help)\n',
    });
    const opt = await cli(['replay', '--nope', DEMO]);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/^nurse-station replay: .*--nope.*\n$/);
    const tz = await cli(['replay', '--time-zone', 'Mars/Olympus', DEMO]);
    expect(tz).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown time zone "Mars\/Olympus"/) });
    const beds = await cli(['simulate', '--beds', 'many']);
    expect(beds).toMatchObject({ code: 2, stderr: expect.stringMatching(/--beds must be a whole number/) });
    const speed = await cli(['simulate', '--speed', '-1']);
    expect(speed.code).toBe(2);
    const start = await cli(['simulate', '--start', '2026-11-20 08:00']);
    expect(start).toMatchObject({ code: 2, stderr: expect.stringMatching(/--start must be ISO-8601/) });
    const brokers = await cli(['simulate', '--brokers', 'not a host']);
    expect(brokers).toMatchObject({ code: 2, stderr: expect.stringMatching(/--brokers must be host:port/) });
  });
});

describe('nurse-station replay', () => {
  it("replays the demo's own messages: alerts out, nothing rejected, deterministic", async () => {
    const a = await cli(['replay', '--time-zone', 'Asia/Shanghai', DEMO]);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/^replay: 5400 lines, 5400 readings accepted, 0 rejected; \d+ alerts/);
    expect(a.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    const alerts = jsonLines(a.stdout);
    expect(alerts.length).toBeGreaterThan(50);
    for (const x of alerts) {
      expect(Object.keys(x)).toEqual([
        'alert_id',
        'patient_id',
        'device_id',
        'alert_time',
        'alert_type',
        'alert_detail',
        'alert_level',
      ]);
      expect(x.alert_time).toMatch(/^2026-11-20 08:[0-2]\d:\d\d\.\d{3}$/);
      expect(x.alert_id).toMatch(/^[0-9a-f]{32}$/);
    }
    const types = new Set(alerts.map((x) => `${String(x.patient_id)}:${String(x.alert_type)}`));
    expect(types).toContain('P001:blood_glucose');
    expect(types).toContain('P002:heart_rate');
    expect(types).toContain('P003:blood_oxygen');
    const b = await cli(['replay', '--time-zone', 'Asia/Shanghai', DEMO]);
    expect(b.stdout).toBe(a.stdout);
    // --iso: the same instants in UTC (Shanghai is UTC+8)
    const iso = jsonLines((await cli(['replay', '--time-zone', 'Asia/Shanghai', '--iso', DEMO])).stdout);
    expect(iso[0]!.alert_time).toBe(
      new Date(Date.UTC(2026, 10, 20, 0, 0) + timeOfDayMs(String(alerts[0]!.alert_time))).toISOString(),
    );
  });

  it('reports bad lines with their numbers on stderr and still exits 0', async () => {
    const file = path.join(tmp, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        line('P001', '2026-11-20 08:00:00.000'),
        '{"patient_id": "P001", "device_id": "D001", "measure_ti',
        line('P001', '2026-11-20 08:00:01.000', 130),
        '',
        JSON.stringify({
          patient_id: 'P001',
          device_id: 'D001',
          measure_time: '2026-11-20 08:00:02.000',
          heart_rate: 80,
        }),
        line('P001', '2026-11-20 08:00:03.000', 80, 140),
        line('P001', '2026-11-20 08:00:01.000', 130), // repeat of line 3
        'not json at all',
        line('P001', '2026-11-20 08:00:04.000'),
      ].join('\n') + '\n',
    );
    const r = await cli(['replay', '--time-zone', 'UTC', file]);
    expect(r.code).toBe(0);
    const errs = r.stderr.trim().split('\n');
    expect(errs.slice(0, -1)).toEqual([
      'line 2: malformed JSON: the message is not a valid JSON document',
      expect.stringMatching(/^line 5: blood_oxygen is missing/),
      expect.stringMatching(/^line 6: blood_oxygen must be a number between 0 and 100/),
      expect.stringMatching(/^line 7: duplicate: /),
      'line 8: malformed JSON: the message is not a valid JSON document',
    ]);
    expect(errs.at(-1)).toBe(
      'replay: 9 lines, 3 readings accepted, 5 rejected; 1 alerts (level 1: 1, level 2: 0)',
    );
    expect(jsonLines(r.stdout)).toEqual([
      expect.objectContaining({
        patient_id: 'P001',
        alert_type: 'heart_rate',
        alert_time: '2026-11-20 08:00:01.000',
        alert_detail: 'Heart rate too high: 130 bpm',
        alert_level: 1,
      }),
    ]);
  });

  it('cannot read the file: exit 2 with one clear line', async () => {
    const missing = await cli(['replay', path.join(tmp, 'nope.jsonl')]);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: `nurse-station replay: cannot read ${path.join(tmp, 'nope.jsonl')}: no such file\n`,
    });
    const dir = await cli(['replay', tmp]);
    expect(dir).toMatchObject({
      code: 2,
      stderr: `nurse-station replay: cannot read ${tmp}: it is a directory\n`,
    });
    const none = await cli(['replay']);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/exactly one FILE/) });
  });

  it('reads stdin with "-", and raises signal loss from the readings\' own time', async () => {
    const lines: string[] = [];
    for (let s = 0; s < 60; s++) {
      const t = `2026-11-20 08:00:${String(s).padStart(2, '0')}.250`;
      lines.push(line('P001', t));
      if (s < 10) lines.push(line('P002', t.replace('.250', '.500')));
    }
    const input = lines.join('\n') + '\n';
    const r = await cli(['replay', '--time-zone', 'UTC', '-'], { stdin: input });
    expect(r.code).toBe(0);
    // P002's last reading 08:00:09.500; silent for 30 s at 08:00:39.500; checked on whole seconds
    expect(jsonLines(r.stdout)).toEqual([
      expect.objectContaining({
        patient_id: 'P002',
        device_id: 'D002',
        alert_type: 'signal_loss',
        alert_time: '2026-11-20 08:00:40.000',
      }),
    ]);
    const shorter = await cli(['replay', '--time-zone', 'UTC', '--signal-loss-ms', '5000', '-'], {
      stdin: input,
    });
    expect(jsonLines(shorter.stdout)[0]).toMatchObject({
      alert_type: 'signal_loss',
      alert_time: '2026-11-20 08:00:15.000',
    });
    // nothing after the last reading: the same input always gives the same alerts
    expect((await cli(['replay', '--time-zone', 'UTC', '-'], { stdin: input })).stdout).toBe(r.stdout);
  });
});

function timeOfDayMs(wardTime: string): number {
  const [, h, m, s] = /(\d\d):(\d\d):(\d\d\.\d{3})$/.exec(wardTime)!;
  return (Number(h) - 8) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000;
}

describe('nurse-station simulate (stdout)', () => {
  const args = [
    'simulate',
    '--duration',
    '600',
    '--speed',
    'max',
    '--start',
    '2026-11-20T07:00:00Z',
    '--time-zone',
    'Europe/Berlin',
  ];

  it("writes the demo's messages, deterministic for a seed, garbage included", async () => {
    const a = await cli([...args, '--seed', '4']);
    expect(a.code).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(12 * 575); // P007 is silent now and then
    const parsed = lines.map((l) => parseReading(l, { timeZone: 'Europe/Berlin' }));
    const bad = parsed.filter((p) => !p.ok);
    expect(bad.length).toBeGreaterThan(5);
    expect(bad.every((p) => !p.ok && (p.deviceId === 'D009' || p.deviceId === null))).toBe(true);
    expect(lines[0]).toMatch(
      /^\{"patient_id": "P\d{3}", "device_id": "D\d{3}", "measure_time": "2026-11-20 08:00:00\.\d{3}", /,
    );
    expect(a.stderr).toBe(
      `simulate: ${lines.length - bad.length} readings and ${bad.length} garbage lines from 12 beds over 600 s of simulated time (seed 4)\n`,
    );
    expect((await cli([...args, '--seed', '4'])).stdout).toBe(a.stdout);
    expect((await cli([...args, '--seed', '5'])).stdout).not.toBe(a.stdout);
  });

  it('honours --beds, --rate and --scenarios none', async () => {
    const r = await cli([
      ...args.slice(0, 2),
      '10',
      ...args.slice(3),
      '--beds',
      '3',
      '--rate',
      '2',
      '--scenarios',
      'none',
    ]);
    const readings = r.stdout
      .trim()
      .split('\n')
      .map((l) => parseReading(l, { timeZone: 'Europe/Berlin' }));
    expect(readings.every((p) => p.ok)).toBe(true);
    expect(readings.length).toBeGreaterThanOrEqual(3 * 2 * 10 - 3);
    expect(readings.length).toBeLessThanOrEqual(3 * 2 * 10 + 3);
    expect(new Set(readings.map((p) => (p.ok ? p.reading.patientId : '')))).toEqual(
      new Set(['P001', 'P002', 'P003']),
    );
  });

  it('paces itself at --speed times real time', async () => {
    const t0 = Date.now();
    const r = await cli([
      'simulate',
      '--duration',
      '20',
      '--speed',
      '40',
      '--beds',
      '2',
      '--scenarios',
      'none',
    ]);
    const elapsed = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(3000);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(38);
  });

  it('stops cleanly when interrupted and still prints the summary', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const r = await cli(['simulate', '--speed', 'max', '--beds', '5'], { signal: abort.signal });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^simulate: \d+ readings and \d+ garbage lines from 5 beds over \d+ s of simulated time \(seed 1\) \(interrupted\)\n$/,
    );
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('pipes into replay', async () => {
    const sim = await cli([...args, '--seed', '9', '--time-zone', 'UTC']);
    const r = await cli(['replay', '--time-zone', 'UTC', '-'], { stdin: sim.stdout });
    expect(r.code).toBe(0);
    const garbage = Number(/and (\d+) garbage lines/.exec(sim.stderr)![1]);
    expect(r.stderr).toContain(`, ${garbage} rejected;`);
    expect(jsonLines(r.stdout).length).toBeGreaterThan(5);
  });
});

describe('bin/nurse-station.mjs', () => {
  it('runs the CLI from a plain checkout (through tsx)', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [path.join(ROOT, 'bin/nurse-station.mjs'), 'replay', '--time-zone', 'UTC', DEMO],
          { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      },
    );
    expect(stderr).toMatch(/^replay: 5400 lines, 5400 readings accepted, 0 rejected/);
    expect(code).toBe(0);
    expect(jsonLines(stdout).length).toBeGreaterThan(50);
  }, 60_000);
});
