// What the private-server helpers share: free ports, finding binaries, waiting, and stopping only the
// processes they started themselves (by pid). Fault tests stop and kill these servers; the shared ones
// (PostgreSQL 5432, MariaDB 3306, Kafka 9092) are never touched.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer, Socket } from 'node:net';

/** A TCP port nobody listens on right now (the kernel's pick), on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Two free ports (Kafka's broker and controller listeners). */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `which name`, or null. */
export function which(name: string): string | null {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return out !== '' ? out : null;
  } catch {
    return null;
  }
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves when the child has exited and its stdio streams are drained (all its output was read). */
export function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    child.once('close', done);
    const gone = (s: NodeJS.ReadableStream | null) =>
      s === null || (s as { destroyed?: boolean }).destroyed === true;
    if ((child.exitCode !== null || child.signalCode !== null) && gone(child.stdout) && gone(child.stderr)) {
      child.off('close', done);
      resolve();
    }
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Only ever our own child. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

const spawned = new Set<ChildProcess>();
let hooked = false;

/**
 * Remembers a server child so it is SIGKILLed if the test process exits without stopping it (a failed
 * or timed-out test): a private server must never outlive its test.
 */
export function track(child: ChildProcess): void {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of spawned) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Loud marker for a genuinely missing binary: the skip reason appears in the test name and the log. */
export function missingBinaryNote(what: string): string {
  const note = `SKIPPED — ${what} is not installed on this machine`;
  process.stderr.write(`\n*** ${note} ***\n`);
  return note;
}
