// The ward's roster for connected-mode tests: members written into a test database's `nurse_roster`
// (backend-setup/mysql.sql) through the MySQL roster adapter, PINs hashed as the station hashes them,
// so a connected station signs them in exactly as it would a hospital's nurses. By default the same
// identifiers, names and PINs as the simulator's demo roster (tests/support/nurses.ts), so a test
// signs in with `signInRequest()` whatever the mode.
import { createMysqlRoster } from '../../../electron/main/adapters/mysql/mysql-roster';
import { hashPin } from '../../../electron/main/core/pin-hash';
import type { NurseRole } from '../../../shared/ipc/contract';
import { DEMO_CHARGE, DEMO_NURSE, DEMO_NURSE_2 } from '../../support/nurses';

export interface SeededMember {
  nurseId: string;
  pin: string;
  name: string;
  role: NurseRole;
}

/** Two nurses and a charge nurse, with the demo roster's credentials. */
export const TEST_ROSTER: readonly SeededMember[] = [
  { ...DEMO_NURSE, role: 'nurse' },
  { ...DEMO_NURSE_2, role: 'nurse' },
  { ...DEMO_CHARGE, role: 'charge' },
];

/** Writes `members` (active) into the `nurse_roster` table of the database `config` names. */
export async function seedMysqlRoster(
  config: { host: string; port: number; user: string; password: string; database: string },
  members: readonly SeededMember[] = TEST_ROSTER,
): Promise<void> {
  const roster = createMysqlRoster(config);
  try {
    const hashes = await Promise.all(members.map((m) => hashPin(m.pin)));
    for (const [i, m] of members.entries()) {
      await roster.save({
        nurseId: m.nurseId,
        name: m.name,
        role: m.role,
        active: true,
        pinHash: hashes[i]!,
        updatedAt: Date.now(),
      });
    }
  } finally {
    await roster.close();
  }
}
