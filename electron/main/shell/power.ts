// A station PC must never sleep while it monitors, and when it wakes anyway (a laptop lid, a power
// plan IT did not change, a locked screen, a network that came back) the station must re-read at once
// rather than show data as old as the sleep until its next poll or reconnect back-off.
import { net, powerMonitor, powerSaveBlocker } from 'electron';
import { logger } from '../core/logger';

export type KeepAwake = 'display' | 'system' | 'off';
export type WakeReason = 'resume' | 'unlock-screen' | 'network';

export interface PowerGuardDeps {
  keepAwake: KeepAwake;
  /** reconnect and re-read now (StationHost.wake) */
  wake: (reason: WakeReason) => Promise<void> | void;
  /**
   * the screen was locked, or the PC is going to sleep: sign every nurse out (StationHost.endSessions).
   * Sleep too, because the idle clock (monotonic) stands still while the PC sleeps, and a PC that
   * sleeps without locking its screen would wake with the nurse still signed in.
   */
  endSessions?: (reason: 'screen-locked' | 'suspended') => void;
  /** how often the network state is sampled (Electron's main process has no change event) */
  networkPollMs?: number;
}

export interface PowerGuard {
  /** the power-save blocker is held (and which kind), for About and tests */
  state(): { blocking: KeepAwake; started: boolean };
  dispose(): void;
}

export const NETWORK_POLL_MS = 5_000;

export function startPowerGuard(deps: PowerGuardDeps): PowerGuard {
  // 'prevent-display-sleep' also keeps the system awake; a dark screen at a nurse station hides the
  // ward, so it is the default. 'system' lets the display sleep but keeps alarms and notifications.
  let blockerId: number | null = null;
  if (deps.keepAwake !== 'off') {
    blockerId = powerSaveBlocker.start(
      deps.keepAwake === 'display' ? 'prevent-display-sleep' : 'prevent-app-suspension',
    );
    logger.info(`shell: keeping the ${deps.keepAwake === 'display' ? 'display and system' : 'system'} awake`);
  } else {
    logger.warn('shell: keepAwake is off: the PC may sleep and the station stops alerting meanwhile');
  }

  const wake = (reason: WakeReason): void => {
    logger.info(`shell: ${reason}: reconnecting and re-reading now`);
    try {
      void Promise.resolve(deps.wake(reason)).catch((err: unknown) => {
        logger.error(`shell: re-reading after ${reason} failed: ${messageOf(err)}`);
      });
    } catch (err) {
      logger.error(`shell: re-reading after ${reason} failed: ${messageOf(err)}`);
    }
  };
  // nobody stays signed in behind a locked screen or across a sleep: whoever comes back signs in again
  const signOutAll = (reason: 'screen-locked' | 'suspended'): void => {
    logger.info(
      `shell: ${reason === 'suspended' ? 'the system is suspending' : 'the screen was locked'}: signing every nurse out`,
    );
    try {
      deps.endSessions?.(reason);
    } catch (err) {
      logger.error(`shell: signing out (${reason}) failed: ${messageOf(err)}`);
    }
  };
  const onSuspend = (): void => {
    logger.warn('shell: the system is suspending; the station stops alerting until it resumes');
    signOutAll('suspended');
  };
  const onResume = (): void => wake('resume');
  const onUnlock = (): void => wake('unlock-screen');
  const onLock = (): void => signOutAll('screen-locked');
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('lock-screen', onLock);
  powerMonitor.on('resume', onResume);
  powerMonitor.on('unlock-screen', onUnlock);

  let online = net.isOnline();
  const poll = setInterval(() => {
    const now = net.isOnline();
    if (now === online) return;
    online = now;
    if (now) wake('network');
    else logger.warn('shell: the network is down');
  }, deps.networkPollMs ?? NETWORK_POLL_MS);
  poll.unref?.();

  return {
    state: () => ({
      blocking: deps.keepAwake,
      started: blockerId !== null && powerSaveBlocker.isStarted(blockerId),
    }),
    dispose() {
      clearInterval(poll);
      powerMonitor.removeListener('suspend', onSuspend);
      powerMonitor.removeListener('resume', onResume);
      powerMonitor.removeListener('unlock-screen', onUnlock);
      powerMonitor.removeListener('lock-screen', onLock);
      if (blockerId !== null && powerSaveBlocker.isStarted(blockerId)) powerSaveBlocker.stop(blockerId);
      blockerId = null;
    },
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
