// Who signs in, in tests: the simulator's published demo roster (electron/main/core/demo-roster.ts)
// for anything that goes through a real host, and ready-made calls for tests that drive a
// StationCore directly (the host's session gate resolves these for real requests).
import type { Actor } from '../../electron/main/core/ports';
import type { Call } from '../../electron/main/core/station-core';

/** Demo roster credentials (simulator mode), as a nurse types them. */
export const DEMO_NURSE = { nurseId: 'N1001', pin: '1234', name: 'Li Na' } as const;
export const DEMO_NURSE_2 = { nurseId: 'N1002', pin: '2345', name: 'Sam Okafor' } as const;
export const DEMO_CHARGE = { nurseId: 'C1001', pin: '9876', name: 'Maria Santos' } as const;

/** The sign-in request of a demo roster member. */
export function signInRequest(who: { nurseId: string; pin: string } = DEMO_NURSE): {
  nurseId: string;
  pin: string;
} {
  return { nurseId: who.nurseId, pin: who.pin };
}

/** A request from a window where `name` is signed in (role charge unless told: tests change settings). */
export function callAs(
  name: string,
  opts: { role?: Actor['role']; nurseId?: string; peer?: string } = {},
): Call {
  return {
    peer: opts.peer ?? 'test-window',
    actor: {
      nurseId: opts.nurseId ?? `ID-${name.replace(/[^A-Za-z0-9]/g, '')}`,
      name,
      role: opts.role ?? 'charge',
    },
  };
}

/** A request from a window where nobody is signed in. */
export const NOBODY: Call = { peer: 'test-window', actor: null };
