// The station's log file: rotation, restart, a folder deleted under it, failing writes, the line cap
// and the files' modes; and how long 10,000 lines take.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRotatingFileSink, installFileLog, logDirOf, type FileLog, type LogFs } from './log-file';
import { capLine, formatLine, logger, MAX_LINE_BYTES, redact } from './logger';

const posix = process.platform !== 'win32';
let root: string;
let dir: string;
let stderr: string[];
let installed: FileLog | null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ns-log-'));
  dir = logDirOf(root);
  stderr = [];
  installed = null;
  logger.setSink((line) => stderr.push(line));
});

afterEach(() => {
  installed?.close();
  rmSync(root, { recursive: true, force: true });
});

const read = (file: string) => readFileSync(file, 'utf8');
const lines = (file: string) => read(file).split('\n').filter(Boolean);
const mode = (path: string) => statSync(path).mode & 0o777;
const line = (n: number, width = 100) => `${String(n).padStart(6, '0')} ${'x'.repeat(width - 7)}`;

/** a clock the test moves */
function testClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('installFileLog', () => {
  it('writes every logger line to <dir>/nurse-station.log as well as stderr, one line each', () => {
    installed = installFileLog({ dir });
    logger.info('station ST-1 running in simulator mode');
    logger.warn('first line\nsecond line');
    logger.error('alert store offline: connect ECONNREFUSED 127.0.0.1:3306');
    const file = join(dir, 'nurse-station.log');
    expect(installed.file).toBe(file);
    expect(installed.dir).toBe(dir);
    const written = lines(file);
    expect(written).toHaveLength(4); // the "log files in …" line first
    expect(written[0]).toMatch(/^\S+Z INFO log files in .+ \(pid \d+\)$/);
    expect(written[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO station ST-1 running/);
    expect(written[2]).toMatch(/ WARN first line\\nsecond line$/);
    expect(written[3]).toMatch(/ ERROR alert store offline/);
    expect(stderr).toEqual(written);
  });

  it.runIf(posix)(
    'keeps the folder 0700 and the files 0600, whatever the umask or an older version left',
    () => {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'nurse-station.log'), 'old line\n', { mode: 0o644 });
      chmodSync(join(dir, 'nurse-station.log'), 0o644);
      const umask = process.umask(0o000);
      try {
        installed = installFileLog({ dir, maxBytes: 2048, keep: 2 });
        for (let i = 0; i < 60; i++) logger.info(line(i));
      } finally {
        process.umask(umask);
      }
      expect(mode(dir)).toBe(0o700);
      const files = readdirSync(dir);
      expect(files.sort()).toEqual(['nurse-station.1.log', 'nurse-station.2.log', 'nurse-station.log']);
      for (const f of files) expect(mode(join(dir, f)), f).toBe(0o600);
    },
  );

  it('makes the data folder private too when it has to create it', () => {
    const fresh = join(root, 'new-data');
    installed = installFileLog({ dir: logDirOf(fresh) });
    logger.info('hello');
    expect(existsSync(join(fresh, 'logs', 'nurse-station.log'))).toBe(true);
    if (posix) expect(mode(fresh)).toBe(0o700);
  });

  it('never throws when the folder cannot be made, and stderr keeps every line', () => {
    writeFileSync(join(root, 'blocker'), 'a file where the folder should be');
    const handle = installFileLog({ dir: join(root, 'blocker', 'logs') });
    installed = handle;
    expect(() => logger.error('still logged')).not.toThrow();
    expect(stderr.some((l) => l.endsWith('ERROR still logged'))).toBe(true);
    expect(stderr.filter((l) => /cannot write the log file/.test(l))).toHaveLength(1);
    expect(handle.status()).toMatchObject({ open: false, problem: expect.stringMatching(/ENOTDIR|EEXIST/) });
  });

  it('a second install replaces the first; close stops the file, not stderr', () => {
    const first = installFileLog({ dir: join(root, 'a') });
    installed = installFileLog({ dir });
    logger.info('to b');
    expect(read(first.file)).not.toContain('to b');
    expect(read(installed.file)).toContain('to b');
    installed.close();
    logger.info('after close');
    expect(read(join(dir, 'nurse-station.log'))).not.toContain('after close');
    expect(stderr.at(-1)).toMatch(/after close$/);
  });
});

describe('rotation', () => {
  it('rotates before a line would take the file over maxBytes, and keeps only `keep` older files', () => {
    const sink = createRotatingFileSink({ dir, maxBytes: 4096, keep: 4 });
    const total = 600; // 600 × 101 bytes ≈ 15 files' worth
    for (let i = 0; i < total; i++) sink.write(line(i));
    sink.close();
    const names = readdirSync(dir).sort();
    expect(names).toEqual([
      'nurse-station.1.log',
      'nurse-station.2.log',
      'nurse-station.3.log',
      'nurse-station.4.log',
      'nurse-station.log',
    ]);
    let bytes = 0;
    for (const n of names) {
      const size = statSync(join(dir, n)).size;
      expect(size, n).toBeLessThanOrEqual(4096);
      bytes += size;
    }
    expect(bytes).toBeLessThanOrEqual(5 * 4096);
    // newest last in the current file, and the older files continue it without a gap
    const ordered = ['4', '3', '2', '1'].map((n) => `nurse-station.${n}.log`).concat('nurse-station.log');
    const all = ordered.flatMap((n) => lines(join(dir, n))).map((l) => Number(l.slice(0, 6)));
    expect(all.at(-1)).toBe(total - 1);
    for (let i = 1; i < all.length; i++) expect(all[i]).toBe(all[i - 1]! + 1);
    expect(statSync(join(dir, 'nurse-station.log')).size).toBeGreaterThan(0);
  });

  it('keeps the disk bound with the defaults: 5 files of at most 5 MB', async () => {
    const sink = createRotatingFileSink({ dir });
    const big = 'y'.repeat(MAX_LINE_BYTES * 4); // runaway messages, cut to 8 KB each
    for (let i = 0; i < 4_000; i++) sink.write(`${i} ${big}`);
    sink.close();
    const sizes = readdirSync(dir).map((n) => statSync(join(dir, n)).size);
    expect(sizes).toHaveLength(5);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(25 * 1024 * 1024);
  });

  it('a restart continues the current file and knows its size', () => {
    const first = createRotatingFileSink({ dir, maxBytes: 2048, keep: 2 });
    for (let i = 0; i < 15; i++) first.write(line(i)); // 1515 bytes
    first.close();
    const second = createRotatingFileSink({ dir, maxBytes: 2048, keep: 2 });
    for (let i = 15; i < 20; i++) second.write(line(i)); // 2020 bytes: still fits
    expect(existsSync(join(dir, 'nurse-station.1.log'))).toBe(false);
    expect(second.status().size).toBe(2020);
    second.write(line(20)); // would be 2121: rotates first
    second.close();
    expect(lines(join(dir, 'nurse-station.1.log')).map((l) => Number(l.slice(0, 6)))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(lines(join(dir, 'nurse-station.log')).map((l) => Number(l.slice(0, 6)))).toEqual([20]);
  });

  it('a file found over the limit at start (a larger limit before) is rotated at the first line', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nurse-station.log'), 'z'.repeat(10_000));
    const sink = createRotatingFileSink({ dir, maxBytes: 4096, keep: 1 });
    sink.write('fresh');
    sink.close();
    expect(read(join(dir, 'nurse-station.log'))).toBe('fresh\n');
    expect(statSync(join(dir, 'nurse-station.1.log')).size).toBe(10_000);
  });

  it('a rotation that fails (a file held open elsewhere) neither throws nor grows the file past the limit', () => {
    const clock = testClock();
    let refuse = true;
    const fs: LogFs = {
      ...nodeFs,
      renameSync: ((from, to) => {
        if (refuse) throw errno('EBUSY');
        nodeFs.renameSync(from, to);
      }) as LogFs['renameSync'],
    };
    const reports: string[] = [];
    const sink = createRotatingFileSink({
      dir,
      maxBytes: 1024,
      keep: 2,
      fs,
      now: clock.now,
      report: (_l, m) => reports.push(m),
    });
    for (let i = 0; i < 30; i++) {
      expect(() => sink.write(line(i))).not.toThrow();
      clock.advance(1_000);
    }
    expect(statSync(join(dir, 'nurse-station.log')).size).toBeLessThanOrEqual(1024);
    expect(sink.status().problem).toMatch(/EBUSY/);
    expect(reports.filter((m) => /cannot write/.test(m))).toHaveLength(1);
    refuse = false;
    clock.advance(10_000);
    sink.write(line(99));
    sink.close();
    const current = read(join(dir, 'nurse-station.log'));
    expect(current).toMatch(/this log file missed \d+ line\(s\) while it could not be written \(EBUSY/);
    expect(current).toContain(line(99));
    expect(reports.at(-1)).toMatch(/is written again/);
  });
});

describe('failures', () => {
  it('a full disk: the write never throws, stderr has the line, and the file says later what it missed', () => {
    const clock = testClock();
    let full = false;
    const fs: LogFs = {
      ...nodeFs,
      writeSync: ((...args: Parameters<typeof writeSync>) => {
        if (full) throw errno('ENOSPC');
        return (writeSync as (...a: unknown[]) => number)(...args);
      }) as LogFs['writeSync'],
    };
    installed = installFileLog({ dir, fs, now: clock.now, retryMs: 5_000 });
    logger.info('before');
    full = true;
    for (let i = 0; i < 5; i++) expect(() => logger.error(`during ${i}`)).not.toThrow();
    expect(stderr.filter((l) => /during \d$/.test(l))).toHaveLength(5);
    expect(stderr.filter((l) => /cannot write the log file .*ENOSPC/.test(l))).toHaveLength(1);
    full = false;
    logger.info('too soon'); // within retryMs: not tried
    clock.advance(5_000);
    logger.info('after');
    const written = read(installed.file);
    expect(written).toContain('before');
    expect(written).not.toContain('during');
    expect(written).toMatch(/WARN this log file missed 6 line\(s\) while it could not be written \(ENOSPC/);
    expect(written).toMatch(/INFO after\n$/);
    expect(stderr.some((l) => /is written again/.test(l))).toBe(true);
    // the file's own notices never go to the file twice, nor do they loop
    expect(written.match(/cannot write the log file/g)).toBeNull();
  });

  it('the folder deleted while the station runs: the file is made again with the next line', () => {
    const clock = testClock();
    installed = installFileLog({ dir, now: clock.now, checkEveryMs: 1_000 });
    logger.info('one');
    rmSync(dir, { recursive: true, force: true });
    clock.advance(1_000);
    logger.info('two');
    const written = read(installed.file);
    expect(written).toMatch(/deleted or moved away while open and has been made again/);
    expect(written).toMatch(/INFO two\n$/);
    if (posix) expect(mode(dir)).toBe(0o700);
    expect(stderr.some((l) => /was deleted or moved away while open/.test(l))).toBe(true);
  });

  it('the folder replaced by a file, then recreated: retried after retryMs, then written again', () => {
    const clock = testClock();
    installed = installFileLog({ dir, now: clock.now, checkEveryMs: 0, retryMs: 5_000 });
    logger.info('one');
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a folder');
    expect(() => logger.info('lost')).not.toThrow();
    expect(installed.status()).toMatchObject({ open: false, missed: 1 });
    rmSync(dir);
    mkdirSync(dir);
    clock.advance(5_000);
    logger.info('three');
    const written = read(installed.file);
    expect(written).toMatch(/missed 1 line\(s\)/);
    expect(written).toMatch(/INFO three\n$/);
    expect(installed.status()).toMatchObject({ open: true, problem: null, missed: 0 });
  });

  it.runIf(posix)('the log file swapped for a link: never followed', () => {
    const clock = testClock();
    const target = join(root, 'elsewhere.txt');
    writeFileSync(target, '');
    const sink = createRotatingFileSink({ dir, now: clock.now, checkEveryMs: 0 });
    sink.write('one');
    rmSync(sink.file);
    nodeFs.symlinkSync(target, sink.file);
    expect(() => sink.write('two')).not.toThrow();
    sink.close();
    expect(read(target)).toBe('');
    expect(sink.status().problem).toMatch(/ELOOP/);
  });

  it('a logger sink that throws keeps the line from no other sink', () => {
    const seen: string[] = [];
    const removeBad = logger.addSink(() => {
      throw new Error('broken sink');
    });
    const removeGood = logger.addSink((l) => seen.push(l));
    try {
      expect(() => logger.warn('hello')).not.toThrow();
    } finally {
      removeBad();
      removeGood();
    }
    expect(stderr.at(-1)).toMatch(/WARN hello$/);
    expect(seen.at(-1)).toMatch(/WARN hello$/);
  });
});

describe('lines', () => {
  it('caps a line at 8 KB, never inside a character, and says how long it was', () => {
    installed = installFileLog({ dir });
    logger.error(`runaway: ${'é'.repeat(100_000)}`);
    const last = lines(installed.file).at(-1)!;
    expect(Buffer.byteLength(last)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(last).toMatch(/é … \[\d+ bytes, cut to 8192\]$/);
    expect(last).not.toContain('\uFFFD');
    expect(capLine('short')).toBe('short');
    const exact = 'a'.repeat(MAX_LINE_BYTES);
    expect(capLine(exact)).toBe(exact);
  });

  it('escapes line breaks and control characters: one message is one line, and cannot forge another', () => {
    const l = formatLine('info', 'a\nb\r\n2025-01-01T00:00:00.000Z ERROR forged\u0007\u2028', new Date(0));
    expect(l).toBe(
      '1970-01-01T00:00:00.000Z INFO a\\nb\\r\\n2025-01-01T00:00:00.000Z ERROR forged\\u0007\\u2028',
    );
    expect(l.split('\n')).toHaveLength(1);
    expect(formatLine('warn', 'tab\tkept', new Date(0))).toBe('1970-01-01T00:00:00.000Z WARN tab\tkept');
  });

  it('masks secrets, alert ids and the values database errors echo', () => {
    expect(redact('password=hunter2 and mysql://ns:s3cret@db:3306/ns')).toBe(
      'password=*** and mysql://ns:***@db:3306/ns',
    );
    expect(redact('alert 0cc175b9c0f1b6a831c399e269772661 skipped')).toBe('alert <alert id> skipped');
    expect(redact(`Duplicate entry 'P001-2025' for key 'PRIMARY'`)).toBe(
      `Duplicate entry '***' for key 'PRIMARY'`,
    );
    expect(redact(`Incorrect string value: '\\xF0\\x9F' for column 'note' at row 1`)).toBe(
      `Incorrect string value: '***' for column 'note' at row 1`,
    );
    expect(redact('invalid input syntax for type integer: "P001"')).toBe(
      'invalid input syntax for type integer: "***"',
    );
  });
});

describe('performance', () => {
  it('10,000 lines: sync appends do not block the event loop noticeably', () => {
    installed = installFileLog({ dir });
    const message = 'alert store offline: connect ECONNREFUSED 127.0.0.1:3306 (the typical line, ~80 bytes)';
    let longest = 0;
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const t = performance.now();
      logger.warn(`${message} #${i}`);
      longest = Math.max(longest, performance.now() - t);
    }
    const ms = performance.now() - started;
    expect(lines(installed.file).length).toBe(10_001);
    console.log(
      `[log-file] 10,000 lines (stderr captured in memory + file): ${ms.toFixed(1)} ms total, ` +
        `${((ms * 1000) / 10_000).toFixed(1)} µs per line, longest ${longest.toFixed(2)} ms`,
    );
    expect(ms).toBeLessThan(2_000);
  });
});
