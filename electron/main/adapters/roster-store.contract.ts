// The behaviour every RosterStore adapter must share, run against each of them (SQLite in
// sqlite-roster.spec.ts, MySQL in mysql-roster.int.spec.ts). The factory gives an empty roster.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RosterRecord, RosterStore } from '../core/ports';

const AT = Date.UTC(2026, 11, 7, 8, 0, 0, 125);

function member(nurseId: string, over: Partial<RosterRecord> = {}): RosterRecord {
  return {
    nurseId,
    name: `Nurse ${nurseId}`,
    role: 'nurse',
    active: true,
    pinHash: `scrypt:14:8:5:c2FsdHNhbHRzYWx0c2FsdA:${'A'.repeat(43)}`,
    updatedAt: AT,
    ...over,
  };
}

export function runRosterStoreContract(name: string, create: () => Promise<RosterStore>): void {
  describe(`RosterStore contract: ${name}`, () => {
    let roster: RosterStore;
    beforeEach(async () => {
      roster = await create();
    });
    afterEach(async () => {
      await roster.close();
    });

    it('finds nobody in an empty roster', async () => {
      expect(await roster.find('N1')).toBeNull();
      expect(await roster.list()).toEqual([]);
    });

    it('keeps a member exactly as saved, times to the millisecond', async () => {
      const m = member('N1', { name: 'Li Na', role: 'charge' });
      await roster.save(m);
      expect(await roster.find('N1')).toEqual(m);
    });

    it('replaces a member on save: name, role, active and hash', async () => {
      await roster.save(member('N1'));
      const changed = member('N1', {
        name: 'Li Na Chen',
        role: 'charge',
        active: false,
        pinHash: 'x:y',
        updatedAt: AT + 1,
      });
      await roster.save(changed);
      expect(await roster.find('N1')).toEqual(changed);
      expect(await roster.list()).toHaveLength(1);
    });

    it('compares identifiers exactly: case and trailing characters matter', async () => {
      await roster.save(member('n1'));
      expect(await roster.find('N1')).toBeNull();
      expect(await roster.find('n1 ')).toBeNull();
      expect(await roster.find('n1')).not.toBeNull();
    });

    it('lists every member, inactive ones too, ordered by identifier', async () => {
      await roster.save(member('N2'));
      await roster.save(member('C1', { role: 'charge' }));
      await roster.save(member('N1', { active: false }));
      expect((await roster.list()).map((m) => [m.nurseId, m.active])).toEqual([
        ['C1', true],
        ['N1', false],
        ['N2', true],
      ]);
    });

    it('keeps names with any printable text (quotes, accents, non-Latin scripts)', async () => {
      const m = member('N3', { name: `O'Brien, Zoë — 李娜 "Lee"` });
      await roster.save(m);
      expect((await roster.find('N3'))?.name).toBe(m.name);
    });
  });
}
