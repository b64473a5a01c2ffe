// Words for the Audit screen: what each kind and action of an audit row means to a charge nurse.
import type { AuditEntry, AuditKind } from '../../../shared/ipc/contract';

export const AUDIT_KIND_FILTERS: { value: AuditKind | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'acknowledgement', label: 'Acknowledgements' },
  { value: 'thresholds', label: 'Thresholds' },
  { value: 'settings', label: 'Settings' },
  { value: 'access', label: 'Access' },
];

export const AUDIT_KIND_LABEL: Record<AuditKind, string> = {
  acknowledgement: 'Acknowledgement',
  thresholds: 'Thresholds',
  settings: 'Settings',
  access: 'Access',
};

const ACTION_LABEL: Record<string, string> = {
  confirm: 'Confirmed',
  resolve: 'Resolved',
  update: 'Limits changed',
  'sign-in': 'Signed in',
  'sign-in-refused': 'Sign-in refused',
  'locked-out': 'Locked out',
  'sign-out': 'Signed out',
  'idle-timeout': 'Signed out: idle',
  'screen-locked': 'Signed out: screen locked',
  suspended: 'Signed out: PC went to sleep',
  'roster-saved': 'Roster changed',
  forbidden: 'Refused: charge only',
};

/** Actions a charge nurse should notice when reading down the list. */
const REFUSALS = new Set(['sign-in-refused', 'locked-out', 'forbidden']);

export function auditActionLabel(e: Pick<AuditEntry, 'kind' | 'action'>): string {
  const known = ACTION_LABEL[e.action];
  if (known) return known;
  // settings rows say the section and the outcome, e.g. "connection requested"
  return e.action.charAt(0).toUpperCase() + e.action.slice(1);
}

export function isRefusal(e: Pick<AuditEntry, 'action'>): boolean {
  return REFUSALS.has(e.action) || / refused$/.test(e.action);
}

/** The first 12 hex digits of a row's hash: enough to compare with `nurse-station audit verify`. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
