import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, raw, resetElectronFake } from '../../../tests/support/electron-fake';
import { logger } from '../core/logger';
import { NETWORK_POLL_MS, startPowerGuard } from './power';

vi.mock('electron', async () => (await import('../../../tests/support/electron-fake')).electronFake);

let logs: string[];
beforeEach(() => {
  resetElectronFake();
  logs = [];
  logger.setSink((l) => logs.push(l));
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('startPowerGuard', () => {
  it('keeps the display (and so the system) awake while the station runs, and lets go on dispose', () => {
    const guard = startPowerGuard({ keepAwake: 'display', wake: vi.fn() });
    const blocker = raw(fake().powerSaveBlocker);
    expect(fake().powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(guard.state()).toEqual({ blocking: 'display', started: true });
    guard.dispose();
    expect(blocker.blockers.size).toBe(0);
    expect(guard.state().started).toBe(false);
  });

  it("'system' keeps only the system awake; 'off' holds nothing and says so in the log", () => {
    startPowerGuard({ keepAwake: 'system', wake: vi.fn() }).dispose();
    expect(fake().powerSaveBlocker.start).toHaveBeenCalledWith('prevent-app-suspension');
    resetElectronFake();
    const off = startPowerGuard({ keepAwake: 'off', wake: vi.fn() });
    expect(fake().powerSaveBlocker.start).not.toHaveBeenCalled();
    expect(off.state()).toEqual({ blocking: 'off', started: false });
    expect(logs.join('\n')).toMatch(/keepAwake is off/);
  });

  it('re-reads at once on resume and on unlock, and logs a suspend', () => {
    const wake = vi.fn(async () => {});
    const guard = startPowerGuard({ keepAwake: 'display', wake });
    fake().powerMonitor.emit('suspend');
    expect(wake).not.toHaveBeenCalled();
    fake().powerMonitor.emit('resume');
    fake().powerMonitor.emit('unlock-screen');
    expect(wake.mock.calls).toEqual([['resume'], ['unlock-screen']]);
    expect(logs.join('\n')).toMatch(/suspending/);
    guard.dispose();
    fake().powerMonitor.emit('resume');
    expect(wake).toHaveBeenCalledTimes(2);
  });

  it('signs every nurse out on lock-screen (not a wake), and stops listening on dispose', () => {
    const wake = vi.fn(async () => {});
    const endSessions = vi.fn();
    const guard = startPowerGuard({ keepAwake: 'display', wake, endSessions });
    fake().powerMonitor.emit('lock-screen');
    expect(endSessions.mock.calls).toEqual([['screen-locked']]);
    expect(wake).not.toHaveBeenCalled();
    expect(logs.join('\n')).toMatch(/screen was locked/);
    fake().powerMonitor.emit('unlock-screen'); // unlocking re-reads, and signs nobody in
    expect(wake.mock.calls).toEqual([['unlock-screen']]);
    expect(endSessions).toHaveBeenCalledTimes(1);
    guard.dispose();
    fake().powerMonitor.emit('lock-screen');
    expect(endSessions).toHaveBeenCalledTimes(1);
  });

  // Review of #18: the idle clock is monotonic and stands still in sleep; a PC that sleeps without
  // locking its screen must not wake with the nurse still signed in.
  it('signs every nurse out when the PC suspends; resuming re-reads and signs nobody in', () => {
    const wake = vi.fn(async () => {});
    const endSessions = vi.fn();
    const guard = startPowerGuard({ keepAwake: 'display', wake, endSessions });
    fake().powerMonitor.emit('suspend');
    expect(endSessions.mock.calls).toEqual([['suspended']]);
    fake().powerMonitor.emit('resume');
    expect(wake.mock.calls).toEqual([['resume']]);
    expect(endSessions).toHaveBeenCalledTimes(1);
    guard.dispose();
  });

  it('a failing sign-out at lock-screen or suspend is logged, never thrown into Electron; no dep is no-op', () => {
    const guard = startPowerGuard({
      keepAwake: 'display',
      wake: vi.fn(),
      endSessions: () => {
        throw new Error('gate broke');
      },
    });
    expect(() => fake().powerMonitor.emit('lock-screen')).not.toThrow();
    expect(() => fake().powerMonitor.emit('suspend')).not.toThrow();
    expect(logs.join('\n')).toMatch(/signing out \(screen-locked\) failed: gate broke/);
    expect(logs.join('\n')).toMatch(/signing out \(suspended\) failed: gate broke/);
    guard.dispose();
    const bare = startPowerGuard({ keepAwake: 'display', wake: vi.fn() });
    expect(() => fake().powerMonitor.emit('lock-screen')).not.toThrow();
    bare.dispose();
  });

  it('re-reads when the network comes back (sampled: the main process has no change event)', () => {
    const wake = vi.fn();
    const n = raw(fake().net);
    const guard = startPowerGuard({ keepAwake: 'display', wake });
    n.online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(wake).not.toHaveBeenCalled();
    expect(logs.join('\n')).toMatch(/network is down/);
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(wake).not.toHaveBeenCalled(); // still down: no repeat
    n.online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(wake.mock.calls).toEqual([['network']]);
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    expect(wake).toHaveBeenCalledTimes(1);
    guard.dispose();
  });

  it('a failing re-read is logged, never thrown into Electron', async () => {
    const guard = startPowerGuard({
      keepAwake: 'display',
      wake: () => Promise.reject(new Error('db down')),
    });
    expect(() => fake().powerMonitor.emit('resume')).not.toThrow();
    await vi.waitFor(() => expect(logs.join('\n')).toMatch(/re-reading after resume failed: db down/));
    guard.dispose();
  });
});
