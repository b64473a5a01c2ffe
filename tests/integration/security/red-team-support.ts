// What the red-team suites of #18 share: a real station (createStationHost, simulator mode, temp data
// dir) with an injectable clock and one caller per peer (a window or a WebSocket connection), a web
// shell in front of it, and a generic reading of the IPC contract's zod schemas: a valid request per
// channel, each of its fields, and a value of the wrong type for each field. Nothing here is specific
// to one channel except the few cross-field refinements a generic sample cannot satisfy (listed in
// VALID_OVERRIDES, and checked: a new channel whose sample does not validate fails the suite).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { FakeClock } from '../../../electron/main/core/fake-clock';
import type { SecretStore, StationHost } from '../../../electron/main/core/host-types';
import { logger } from '../../../electron/main/core/logger';
import { systemClock, type Clock } from '../../../electron/main/core/ports';
import { startWebShell, type WebShell } from '../../../electron/main/web-shell/web-shell';
import type { Channel, EventMap, EventName, Result } from '../../../shared/ipc/contract';

export { FakeClock };

/** No OS keyring (the web shell's case), as helpers/station-host.ts (not imported: it loads the host). */
const noKeyring: SecretStore = {
  isEncryptionAvailable: async () => false,
  encrypt: () => Promise.reject(new Error('no keyring')),
  decrypt: () => Promise.reject(new Error('no keyring')),
  describe: async () => 'no keyring (red team)',
};

/** A request as one peer (window or connection) sends it. */
export type PeerCall = <T = unknown>(channel: unknown, request?: unknown) => Promise<Result<T>>;

export interface RedTeamStation {
  host: StationHost;
  dataDir: string;
  clock: Clock;
  /** the caller of one peer: `as('ws-a')('station:info')` */
  as(peer: string): PeerCall;
  /** signs `who` in on `peer`; throws unless it worked */
  signIn(peer: string, who: { nurseId: string; pin: string }): Promise<void>;
  /** every event the host emitted, in order */
  events: { event: EventName; payload: unknown }[];
  close(): Promise<void>;
}

export interface RedTeamStationOptions {
  beds?: number;
  warmupMs?: number;
  /** simulator speed; 0: the ward stands still after its warm-up (cheap FakeClock advances) */
  speed?: number;
  /** a FakeClock for idle timeouts and lock-out expiry; default the system clock */
  clock?: Clock;
  /** written to settings.json before the station starts */
  settingsFile?: unknown;
  /** environment overrides of the settings (NURSE_STATION_*) */
  env?: Record<string, string | undefined>;
  /** every main-process log line */
  log?: (line: string) => void;
  stationId?: string;
}

/** The FakeClock's default start: a plausible ward time (readings before 2000 are refused). */
export const FAKE_START = Date.UTC(2026, 10, 20, 8, 0, 0);

export async function startRedTeamStation(opts: RedTeamStationOptions = {}): Promise<RedTeamStation> {
  logger.setSink(opts.log ?? (() => undefined));
  const dataDir = mkdtempSync(join(tmpdir(), 'ns-red-team-'));
  if (opts.settingsFile !== undefined) {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(opts.settingsFile), { mode: 0o600 });
  }
  const clock = opts.clock;
  // loaded here, not at the top: the schema helpers below work without a station
  const { createStationHost } = await import('../../../electron/main/core/station-host');
  const host = await createStationHost({
    dataDir,
    shell: 'web',
    notifier: { show: () => undefined },
    secretStore: noKeyring,
    stationId: opts.stationId ?? 'ST-RED',
    env: opts.env ?? {},
    simulator: {
      beds: opts.beds ?? 4,
      seed: 3,
      speed: opts.speed ?? 1,
      timeZone: 'UTC',
      warmupMs: opts.warmupMs ?? 30 * 60_000,
    },
    ...(clock ? { clock } : {}),
  });
  const events: RedTeamStation['events'] = [];
  host.onEvent(<E extends EventName>(event: E, payload: EventMap[E]) => {
    events.push({ event, payload });
  });
  const as =
    (peer: string): PeerCall =>
    (channel, request = {}) =>
      host.handle(channel, request, { shell: 'web', peer }) as Promise<Result<never>>;
  return {
    host,
    dataDir,
    clock: clock ?? systemClock,
    as,
    async signIn(peer, who) {
      const r = await as(peer)('session:sign-in', { nurseId: who.nurseId, pin: who.pin });
      if (!r.ok) throw new Error(`sign-in of ${who.nurseId} on ${peer} failed: ${JSON.stringify(r)}`);
    },
    events,
    async close() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A static folder for the web shell inside a parent that holds files a traversal would reach:
 * `<parent>/package.json` and `<parent>/outside-secret.txt`, both carrying OUTSIDE_MARKER.
 */
export const OUTSIDE_MARKER = 'RED-TEAM-OUTSIDE-THE-RENDERER-7f3a';
export function makeStaticDir(): { parent: string; staticDir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'ns-red-static-'));
  const staticDir = join(parent, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nurse Station</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(parent, 'package.json'), JSON.stringify({ name: OUTSIDE_MARKER }));
  writeFileSync(join(parent, 'outside-secret.txt'), OUTSIDE_MARKER);
  return { parent, staticDir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** A web shell in front of `host`; `rateLimitPerSecond` high for suites that send many requests. */
export async function startRedTeamShell(
  host: StationHost,
  staticDir: string,
  opts: { rateLimitPerSecond?: number; log?: (m: string) => void } = {},
): Promise<WebShell> {
  return startWebShell({
    host,
    staticDir,
    port: 0,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    log: opts.log,
  });
}

// ---- a generic reading of the contract's zod schemas ------------------------------------------

type AnySchema = z.ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  out?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  entries?: Record<string, string | number>;
  values?: unknown[];
}
const def = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
/** ZodObject keeps its shape on `.shape` (a getter in zod 4) */
const shapeOf = (s: AnySchema): Record<string, AnySchema> | null => {
  const d = def(s);
  if (d.type !== 'object') return null;
  return (s as unknown as { shape: Record<string, AnySchema> }).shape;
};

/** The schema under optional / nullable / default / pipe wrappers (what a value must look like). */
export function unwrap(s: AnySchema): AnySchema {
  for (;;) {
    const d = def(s);
    if (
      (d.type === 'optional' ||
        d.type === 'nullable' ||
        d.type === 'default' ||
        d.type === 'prefault' ||
        d.type === 'readonly' ||
        d.type === 'catch') &&
      d.innerType
    )
      s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** Whether a field of this schema may be left out (optional, or with a default). */
function omittable(s: AnySchema): boolean {
  const t = def(s).type;
  return t === 'optional' || t === 'default' || t === 'prefault';
}

const STRING_CANDIDATES = ['P001', 'abcd1234', 'x', '127.0.0.1', 'nurse_station_alerts', ''];
const NUMBER_CANDIDATES = [1, 0, 5, 200, 1000, 3650];

/** A value the schema accepts, built from candidates (checked with the schema itself). */
export function sampleOf(schema: AnySchema): unknown {
  const s = unwrap(schema);
  const d = def(s);
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(shapeOf(s) ?? {})) out[k] = sampleOf(v);
      return out;
    }
    case 'string':
      return STRING_CANDIDATES.find((c) => s.safeParse(c).success) ?? 'P001';
    case 'number':
      return NUMBER_CANDIDATES.find((c) => s.safeParse(c).success) ?? 1;
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'literal':
      return d.values?.[0];
    case 'union':
      return sampleOf(d.options![0]!);
    default:
      throw new Error(`red-team-support: no sample for a zod ${d.type}; extend sampleOf`);
  }
}

/**
 * Channels whose generic sample breaks a cross-field rule (from < to, min < max): a valid request
 * written out. Every other channel's sample is derived from its schema alone.
 */
export const VALID_OVERRIDES: Partial<Record<Channel, unknown>> = {
  'patients:trend': { patientId: 'P001', from: 1_000, to: 60_000 },
  'thresholds:update': {
    patientId: 'P001',
    limits: {
      heartRateMin: 50,
      heartRateMax: 120,
      bloodOxygenMin: 90,
      bloodGlucoseMin: 3.9,
      bloodGlucoseMax: 10,
    },
  },
  'review:export-csv': { from: 1_000, to: 60_000 },
};

export function validRequest(channel: Channel, schema: AnySchema): unknown {
  return structuredClone(VALID_OVERRIDES[channel] ?? sampleOf(schema));
}

export interface Field {
  /** e.g. ['risingwave', 'host'] */
  path: string[];
  schema: AnySchema;
  required: boolean;
}

/** Every field of an object schema, nested objects included (their own fields after them). */
export function fieldsOf(schema: AnySchema, prefix: string[] = []): Field[] {
  const shape = shapeOf(unwrap(schema));
  if (!shape) return [];
  const out: Field[] = [];
  for (const [k, v] of Object.entries(shape)) {
    const path = [...prefix, k];
    out.push({ path, schema: v, required: !omittable(v) });
    out.push(...fieldsOf(v, path));
  }
  return out;
}

/** The JSON kinds a field accepts (its unwrapped schema), to pick a value of another kind. */
function kindsOf(s: AnySchema): Set<string> {
  const d = def(unwrap(s));
  switch (d.type) {
    case 'string':
      return new Set(['string']);
    case 'number':
      return new Set(['number']);
    case 'boolean':
      return new Set(['boolean']);
    case 'object':
      return new Set(['object']);
    case 'enum':
      return new Set(Object.values(d.entries ?? {}).map((v) => typeof v));
    case 'literal':
      return new Set((d.values ?? []).map((v) => typeof v));
    case 'union': {
      const all = new Set<string>();
      for (const o of d.options ?? []) for (const k of kindsOf(o)) all.add(k);
      return all;
    }
    default:
      return new Set();
  }
}

/** A value of a JSON type the field does not accept (a string for a number, a number for a string…). */
export function wrongTypeFor(field: Field): unknown {
  const kinds = kindsOf(field.schema);
  const candidates: [string, unknown][] = [
    ['number', 12345],
    ['string', 'not-the-right-type'],
    ['boolean', true],
    ['object', { nested: 1 }],
  ];
  for (const [kind, value] of candidates) {
    if (!kinds.has(kind) && !field.schema.safeParse(value).success) return value;
  }
  return [1, 2, 3]; // an array is no field's type
}

export function getPath(obj: unknown, path: string[]): unknown {
  let o = obj as Record<string, unknown> | undefined;
  for (const k of path) o = o?.[k] as Record<string, unknown> | undefined;
  return o;
}

/** A deep copy of `obj` with the value at `path` replaced (undefined: removed). */
export function withPath(obj: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

/**
 * Characters an error message, a list or a CSV must never carry raw: C0/C1 controls but tab and line
 * breaks, bidirectional controls, zero-width and other invisible format characters.
 */
export const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
