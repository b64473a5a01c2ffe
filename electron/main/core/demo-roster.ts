// Simulator mode's roster: published identifiers and PINs, so anyone trying the app can sign in.
// The sign-in dialog shows them under "demo roster, not for patients"; connected mode never uses
// it (its roster is the ward's, in MySQL). The hashes are made once with core/pin-hash.ts, so a
// simulator start costs no scrypt work.
import type { DemoRosterMember } from '../../../shared/ipc/contract';
import type { RosterRecord } from './ports';

export const DEMO_ROSTER: readonly (DemoRosterMember & { pinHash: string })[] = [
  {
    nurseId: 'N1001',
    name: 'Li Na',
    role: 'nurse',
    pin: '1234',
    pinHash: 'scrypt:14:8:5:2jWX8lskerCKeATddaGiZA:opvHwGw5_JQBfOz8VZ79Q02ZG_Sr2zzeEDzFwW2jLm4',
  },
  {
    nurseId: 'N1002',
    name: 'Sam Okafor',
    role: 'nurse',
    pin: '2345',
    pinHash: 'scrypt:14:8:5:9z6eqmQpwk7S4nU8e2NAtQ:DkTJghkGFrVX7klPWZrF0iAniMSViZEXaTilHqx42Gg',
  },
  {
    nurseId: 'C1001',
    name: 'Maria Santos',
    role: 'charge',
    pin: '9876',
    pinHash: 'scrypt:14:8:5:tIdqt3Xzk21_9FTcuTq-Eg:mJ2HY7RNDLyNZUX9jpFfUlF7Zm1bQ_RqHeXabideJ0E',
  },
];

/** What StationInfo shows: never the hashes. */
export function demoRosterView(): DemoRosterMember[] {
  return DEMO_ROSTER.map(({ nurseId, name, role, pin }) => ({ nurseId, name, role, pin }));
}

export function demoRosterRecords(at: number): RosterRecord[] {
  return DEMO_ROSTER.map(({ nurseId, name, role, pinHash }) => ({
    nurseId,
    name,
    role,
    active: true,
    pinHash,
    updatedAt: at,
  }));
}
