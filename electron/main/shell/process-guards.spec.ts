import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../core/logger';
import {
  CRASH_WINDOW_MS,
  MAX_RESTARTS,
  RESTART_ARG,
  installProcessGuards,
  restartsFromArgv,
} from './process-guards';

let logs: string[];
beforeEach(() => {
  logs = [];
  logger.setSink((l) => logs.push(l));
});

function setup(argv: string[] = ['/opt/ns/nurse-station', '.'], now = 1_000_000_000) {
  const proc = new EventEmitter();
  const deps = { announce: vi.fn(), relaunch: vi.fn(), stop: vi.fn() };
  const guards = installProcessGuards({ ...deps, argv, now: () => now, proc: proc as never });
  return { proc, guards, ...deps };
}

describe('installProcessGuards', () => {
  it('an uncaught exception is logged, announced, and the station relaunches with the crash noted', () => {
    const t = setup();
    t.proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    expect(logs.join('\n')).toMatch(/uncaught exception \(uncaughtException\): Error: boom/);
    expect(t.announce).toHaveBeenCalledWith(
      'Nurse Station is restarting',
      expect.stringMatching(/restarts by itself/),
    );
    expect(t.relaunch).toHaveBeenCalledWith(['.', `${RESTART_ARG}1000000000`]);
    expect(t.stop).not.toHaveBeenCalled();
  });

  it('stops with a dialog instead of relaunching in a loop', () => {
    const now = 1_000_000_000;
    const earlier = Array.from({ length: MAX_RESTARTS }, (_, i) => now - (i + 1) * 60_000);
    const t = setup(['/exe', '.', `${RESTART_ARG}${earlier.join(',')}`], now);
    expect(t.guards.recentRestarts()).toHaveLength(MAX_RESTARTS);
    t.proc.emit('uncaughtException', new Error('again'), 'uncaughtException');
    expect(t.relaunch).not.toHaveBeenCalled();
    expect(t.stop).toHaveBeenCalledWith('Nurse Station has stopped', expect.stringMatching(/NOT monitoring/));
    expect(t.announce).toHaveBeenCalledWith('Nurse Station has stopped', expect.any(String));
  });

  it('forgets crashes older than the window, and replaces (not repeats) the argument', () => {
    const now = 1_000_000_000;
    const old = now - CRASH_WINDOW_MS - 1;
    const t = setup(['/exe', '.', `${RESTART_ARG}${old},${now - 1000}`], now);
    t.proc.emit('uncaughtException', new Error('x'), 'uncaughtException');
    expect(t.relaunch).toHaveBeenCalledWith(['.', `${RESTART_ARG}${now - 1000},${now}`]);
  });

  it('a failure to announce never stops the relaunch', () => {
    const t = setup();
    t.announce.mockImplementation(() => {
      throw new Error('tray gone');
    });
    t.proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    expect(t.relaunch).toHaveBeenCalledTimes(1);
    expect(logs.join('\n')).toMatch(/could not announce the error: Error: tray gone/);
  });

  it('an unhandled rejection is logged and counted; the station goes on', () => {
    const t = setup();
    t.proc.emit('unhandledRejection', new Error('lost promise'));
    t.proc.emit('unhandledRejection', 'plain reason');
    expect(t.guards.unhandledRejections()).toBe(2);
    expect(logs.join('\n')).toMatch(/unhandled promise rejection #2: plain reason/);
    expect(t.relaunch).not.toHaveBeenCalled();
  });

  it('dispose removes both handlers', () => {
    const t = setup();
    t.guards.dispose();
    expect(t.proc.listenerCount('uncaughtException')).toBe(0);
    expect(t.proc.listenerCount('unhandledRejection')).toBe(0);
  });
});

describe('restartsFromArgv', () => {
  it('ignores garbage and future times', () => {
    expect(restartsFromArgv(['x', `${RESTART_ARG}abc,5,99999`], 100)).toEqual([5]);
    expect(restartsFromArgv(['x'], 100)).toEqual([]);
  });
});
