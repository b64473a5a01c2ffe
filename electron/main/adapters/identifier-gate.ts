// The identifier check of the adapters that read rows other systems wrote (RisingWave's views, its
// Kafka sink, the MySQL alerts table): a row whose patient_id or device_id fails the identifier rule
// (shared/domain/identifiers.ts) is dropped by the adapter, never shown, and recorded here.
//
// Counting: the adapters re-read the same rows (every poll reads patient_latest_vitals again, the alert
// feed re-reads an overlap window, the alert list is read on every screen change), so each refused row
// is counted once, by a key the adapter gives it (`alert:<alert_id>`, `latest:<ids>|<measure_time>`…).
//
// One tally per rule instance: the composition root hands the same IdentifierRule to the RisingWave
// source, the Kafka feed and the MySQL store, so a bad alert refused by the push path, the poll and the
// store counts once, and the RisingWave source reports the three together through rejects(), the
// reject summary the station already shows (shared with the simulator's malformed-message count).
//
// Logs: one warning per adapter and distinct problem (kind + what is wrong, never the id: it is
// attacker-controlled text and a patient identifier), then at most one per problem every warnEveryMs,
// with how many more rows it refused meanwhile.
import {
  DEFAULT_IDENTIFIER_RULE,
  type IdentifierKind,
  type IdentifierRule,
} from '../../../shared/domain/identifiers';
import type { RejectSummary } from '../../../shared/domain/types';
import { RejectCounter } from './simulator/reject-counter';

/** how many refused-row keys are remembered for de-duplication (oldest forgotten first) */
const MAX_KEYS = 20_000;
/** a key longer than this is cut: it only has to tell rows apart, and ids are attacker-controlled */
const MAX_KEY_CHARS = 300;
const DEFAULT_WARN_EVERY_MS = 10 * 60_000;
/** the device column of the reject summary when the device id itself was refused or absent */
export const INVALID_DEVICE = '(invalid device_id)';
export const NO_DEVICE = '(no device_id)';

/** One row's ids, as read. */
export interface ScreenedRow {
  /** what the row is, for the reason and the log: 'alert', 'bed vitals', 'ward bed', 'trend' */
  what: string;
  /** tells this row apart from every other (re-reads of the same row share it) */
  key: string;
  /** omitted: the row has no patient_id column */
  patientId?: unknown;
  deviceId?: unknown;
  /** the row may have no device (NULL, absent or ''): an alert of a bed without readings */
  deviceOptional?: boolean;
}

export interface IdentifierGate {
  readonly rule: IdentifierRule;
  /**
   * null when the row's ids pass; otherwise the reason (safe to display), after counting the row
   * (once per key) and warning in the log (rate-limited).
   */
  screen(row: ScreenedRow): string | null;
  /** every row refused with this rule so far, by any adapter, per device */
  rejects(): RejectSummary;
  /** changes whenever rejects() does: the owner tells listeners when it moved */
  version(): number;
}

export interface IdentifierGateOptions {
  /** default: the station's default rule, with a tally of this gate's own */
  rule?: IdentifierRule;
  /** names the adapter in the log: 'RisingWave', 'Kafka alert push', 'MySQL alert store' */
  source: string;
  log: (message: string) => void;
  now?: () => number;
  warnEveryMs?: number;
}

class Tally {
  readonly counter = new RejectCounter();
  readonly seen = new Set<string>();
  version = 0;

  /** true when the key is new (and now counted) */
  add(key: string, device: string, reason: string, at: number): boolean {
    const k = key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) : key;
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    if (this.seen.size > MAX_KEYS) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.counter.add(device, reason, at);
    this.version++;
    return true;
  }
}

const tallies = new WeakMap<IdentifierRule, Tally>();

function tallyFor(rule: IdentifierRule | undefined): Tally {
  // Without a rule of its own the gate must not share the default rule's tally with every other
  // gate in the process (tests, a second wiring): it gets one of its own.
  if (!rule) return new Tally();
  let t = tallies.get(rule);
  if (!t) {
    t = new Tally();
    tallies.set(rule, t);
  }
  return t;
}

export function createIdentifierGate(opts: IdentifierGateOptions): IdentifierGate {
  const rule = opts.rule ?? DEFAULT_IDENTIFIER_RULE;
  const tally = tallyFor(opts.rule);
  const now = opts.now ?? Date.now;
  const warnEveryMs = opts.warnEveryMs ?? DEFAULT_WARN_EVERY_MS;
  /** per problem line: when it was last logged and how many rows it refused since */
  const warned = new Map<string, { at: number; since: number }>();

  function warn(line: string, at: number): void {
    const w = warned.get(line);
    if (w && at - w.at < warnEveryMs) {
      w.since++;
      return;
    }
    const more = w && w.since > 0 ? ` (and ${w.since} more since the last warning)` : '';
    warned.set(line, { at, since: 0 });
    opts.log(`${opts.source}: refused ${line}; not shown, counted in the rejected messages${more}`);
  }

  function deviceLabel(deviceId: unknown, optional: boolean): string {
    if (deviceId === undefined || deviceId === null || (optional && deviceId === '')) return NO_DEVICE;
    return rule.accepts(deviceId) ? deviceId : INVALID_DEVICE;
  }

  return {
    rule,
    screen(row) {
      const optional = row.deviceOptional ?? false;
      const checks: [IdentifierKind, unknown][] = [];
      if ('patientId' in row) checks.push(['patient_id', row.patientId]);
      const d = row.deviceId;
      if ('deviceId' in row && !(optional && (d === null || d === undefined || d === ''))) {
        checks.push(['device_id', d]);
      }
      for (const [kind, value] of checks) {
        const refusal = rule.explain(kind, value);
        if (!refusal) continue;
        const at = now();
        const reason = `${refusal.reason} — ${row.what} from ${opts.source}, not shown`;
        // counted once per row; a re-read of the same row is neither counted nor logged again
        if (tally.add(row.key, deviceLabel(d, optional), reason, at))
          warn(`${row.what} rows: ${refusal.summary}`, at);
        return refusal.reason;
      }
      return null;
    },
    rejects: () => tally.counter.summary(),
    version: () => tally.version,
  };
}
