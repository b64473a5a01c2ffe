// A scripted StationApi for unit tests of stores (not a fake backend: each test says what the
// station answers). Lives beside the real client so tests import it like any other module.
import { ref } from 'vue';
import type {
  AuditEntry,
  AuditKind,
  Channel,
  DemoRosterMember,
  EventMap,
  EventName,
  NurseSession,
  ParsedRequestOf,
  RequestOf,
  ResponseOf,
  Result,
  RosterMember,
  SettingsView,
  StationInfo,
} from '../../../shared/ipc/contract';
import { requestSchemas } from '../../../shared/ipc/contract';
import type { StationClient } from './ws-client';

export type Handler<C extends Channel> = (
  request: RequestOf<C>,
) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>>;
export type Handlers = { [C in Channel]?: Handler<C> };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: Extract<Result<never>, { ok: false }>['error']['code'], message: string = code) {
  return { ok: false as const, error: { code, message } };
}

export function mockStation(handlers: Handlers = {}, shell: 'web' | 'electron' = 'web') {
  const calls: { channel: Channel; request: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connected = ref(true);
  const reconnects = ref(0);

  const api: StationClient = {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      calls.push({ channel, request });
      const h = handlers[channel] as Handler<C> | undefined;
      if (!h) return fail('unknown_channel', `no handler for ${channel}`);
      return h(request);
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    connected,
    reconnects,
    everConnected: connected,
    shell,
    close() {},
  };

  return {
    api,
    handlers,
    calls,
    connected,
    reconnects,
    callsOf: (channel: Channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
    emit<E extends EventName>(event: E, payload: EventMap[E]): void {
      for (const l of listeners.get(event) ?? []) (l as (p: EventMap[E]) => void)(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

// ---- sign-in: a faithful fake of the station's session rules (electron/main/core/session-gate.ts) ----

/** Simulator mode's published demo roster (the station's core/demo-roster.ts: same ids, names, PINs). */
export const DEMO_ROSTER: readonly DemoRosterMember[] = [
  { nurseId: 'N1001', name: 'Li Na', role: 'nurse', pin: '1234' },
  { nurseId: 'N1002', name: 'Sam Okafor', role: 'nurse', pin: '2345' },
  { nurseId: 'C1001', name: 'Maria Santos', role: 'charge', pin: '9876' },
];

export const BASE_SETTINGS: SettingsView = {
  connection: {
    mode: 'simulator',
    risingwave: { host: '127.0.0.1', port: 4566, user: 'root', database: 'dev', passwordSet: false },
    mysql: { host: '127.0.0.1', port: 3306, user: 'nurse', database: 'ward', passwordSet: false },
    pollIntervalMs: 1000,
    wardId: '',
    kafka: { bootstrap: '', alertsTopic: 'nurse_station_alerts' },
  },
  notifications: { enabled: true, sound: true, criticalRepeatMinutes: 5, coalesceMs: 3000 },
  secretStorage: { encrypted: true, message: 'safeStorage' },
  ackRetentionDays: 30,
  signIn: { idleMinutes: 10 },
};

export interface FakeSessionOptions {
  /** simulator (default) publishes the demo roster in StationInfo; connected does not */
  mode?: 'simulator' | 'connected';
  idleMinutes?: number;
  /** wrong PINs for one identifier that lock it (the station's default: 5) */
  perIdentifier?: number;
  /** how long a lock-out lasts (the station's default: 5 minutes) */
  lockMs?: number;
  wardTimeZone?: string;
  /** the station's clock (default Date.now, so vitest's fake timers move it) */
  now?: () => number;
}

type Actor = Pick<NurseSession, 'nurseId' | 'name' | 'role'>;

function minutesText(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/**
 * The station's sign-in rules for unit tests: the demo roster with its PINs, one session per window
 * ("peer"), the idle end, lock-outs after repeated wrong PINs, the charge role, and an audit of every
 * access. Requests are validated with the contract's schemas as the station validates them.
 * `handlers` serve one window; `handlersFor(peer)` another window of the same station.
 */
export function fakeSessions(opts: FakeSessionOptions = {}) {
  const now = opts.now ?? (() => Date.now());
  const perIdentifier = opts.perIdentifier ?? 5;
  const lockMs = opts.lockMs ?? 5 * 60_000;
  let settings: SettingsView = {
    ...BASE_SETTINGS,
    connection: { ...BASE_SETTINGS.connection, mode: opts.mode ?? 'simulator' },
    signIn: { idleMinutes: opts.idleMinutes ?? 10 },
  };
  const roster = new Map<string, RosterMember & { pin: string }>(
    DEMO_ROSTER.map((m) => [m.nurseId, { ...m, active: true, updatedAt: now() }]),
  );
  const sessions = new Map<string, { actor: Actor; lastActive: number }>();
  const failures = new Map<string, { times: number[]; lockedUntil: number }>();
  const audit: AuditEntry[] = [];
  const idleMs = () => settings.signIn.idleMinutes * 60_000;

  function record(
    kind: AuditKind,
    who: { nurseId: string | null; nurse: string },
    rest: Partial<AuditEntry>,
  ) {
    audit.unshift({
      kind,
      seq: audit.length + 1,
      at: now(),
      nurseId: who.nurseId,
      nurse: who.nurse,
      stationId: 'MOCK-1',
      action: '',
      subject: null,
      detail: '',
      hash: (audit.length + 1).toString(16).padStart(64, 'a'),
      ...rest,
    });
  }

  function live(peer: string) {
    const s = sessions.get(peer);
    if (!s) return null;
    if (now() - s.lastActive >= idleMs()) {
      sessions.delete(peer);
      record(
        'access',
        { nurseId: s.actor.nurseId, nurse: s.actor.name },
        {
          action: 'idle-timeout',
          subject: peer,
          detail: `no activity for ${minutesText(idleMs())}`,
        },
      );
      return null;
    }
    return s;
  }

  function info(peer = 'window:1'): StationInfo {
    const s = live(peer);
    return {
      mode: settings.connection.mode,
      stationId: 'MOCK-1',
      version: '0.0.0-test',
      wardTimeZone: opts.wardTimeZone ?? 'UTC',
      shell: 'web',
      nurse: s
        ? { ...s.actor, idleEndsAt: s.lastActive + idleMs(), idleMinutes: settings.signIn.idleMinutes }
        : null,
      demoRoster: settings.connection.mode === 'simulator' ? DEMO_ROSTER.map((m) => ({ ...m })) : null,
    };
  }

  /** null when `peer` may go on; the station's refusal otherwise */
  function gate(peer: string, needs: 'nurse' | 'charge', channel: string) {
    const s = live(peer);
    if (!s) return fail('unauthorized', 'Sign in first: your sign-in has ended or nobody is signed in.');
    if (needs === 'charge' && s.actor.role !== 'charge') {
      record(
        'access',
        { nurseId: s.actor.nurseId, nurse: s.actor.name },
        { action: 'forbidden', subject: peer, detail: `${channel} needs the charge nurse` },
      );
      return fail('forbidden', 'Only the charge nurse may do this.');
    }
    return null;
  }

  function validated<C extends Channel>(channel: C, request: unknown): ParsedRequestOf<C> | string {
    const r = requestSchemas[channel].safeParse(request);
    return r.success ? (r.data as ParsedRequestOf<C>) : r.error.issues.map((i) => i.message).join('; ');
  }

  function signIn(peer: string, nurseId: string, pin: string): Result<StationInfo> {
    const t = now();
    const f = failures.get(nurseId);
    if (f && f.lockedUntil > t) {
      return fail(
        'rate_limited',
        `Too many wrong PINs for ${nurseId}: try again in ${minutesText(f.lockedUntil - t)}, or ask the charge nurse.`,
      );
    }
    const member = roster.get(nurseId);
    const who = { nurseId, nurse: member?.name ?? '' };
    if (!member || member.pin !== pin || !member.active) {
      const entry = f ?? { times: [], lockedUntil: 0 };
      failures.set(nurseId, entry);
      entry.times = entry.times.filter((x) => t - x < 15 * 60_000);
      entry.times.push(t);
      const why = !member ? 'unknown identifier' : member.pin !== pin ? 'wrong PIN' : 'member not active';
      record('access', who, { action: 'sign-in-refused', subject: peer, detail: why });
      if (entry.times.length >= perIdentifier) {
        entry.lockedUntil = t + lockMs;
        entry.times = [];
        record('access', who, {
          action: 'locked-out',
          subject: peer,
          detail: `identifier locked for ${minutesText(lockMs)}`,
        });
        return fail(
          'rate_limited',
          `Too many failed sign-ins: try again in ${minutesText(lockMs)}, or ask the charge nurse.`,
        );
      }
      return fail('unauthorized', 'Identifier or PIN not recognised.');
    }
    failures.delete(nurseId);
    sessions.set(peer, {
      actor: { nurseId: member.nurseId, name: member.name, role: member.role },
      lastActive: t,
    });
    record('access', who, {
      action: 'sign-in',
      subject: peer,
      detail: member.role === 'charge' ? 'charge nurse' : 'nurse',
    });
    return ok(info(peer));
  }

  const listeners = new Set<(reason: EventMap['session:changed']['reason']) => void>();
  const changed = (reason: EventMap['session:changed']['reason']) => {
    for (const l of listeners) l(reason);
  };

  function handlersFor(peer: string) {
    const bad = (message: string) => fail('bad_request', message);
    const h = {
      'station:info': () => ok(info(peer)),
      'session:sign-in': (req) => {
        const v = validated('session:sign-in', req);
        return typeof v === 'string' ? bad(v) : signIn(peer, v.nurseId, v.pin);
      },
      'session:sign-out': () => {
        const s = sessions.get(peer);
        if (s) {
          sessions.delete(peer);
          record(
            'access',
            { nurseId: s.actor.nurseId, nurse: s.actor.name },
            { action: 'sign-out', subject: peer, detail: 'signed out' },
          );
        }
        return ok(info(peer));
      },
      'session:activity': () => {
        const s = live(peer);
        if (s) s.lastActive = now();
        return ok(info(peer));
      },
      'roster:list': () =>
        gate(peer, 'charge', 'roster:list') ??
        ok(
          [...roster.values()]
            .map(({ pin: _pin, ...m }) => m)
            .sort((a, b) => a.nurseId.localeCompare(b.nurseId)),
        ),
      'roster:save': (req) => {
        const refused = gate(peer, 'charge', 'roster:save');
        if (refused) return refused;
        const v = validated('roster:save', req);
        if (typeof v === 'string') return bad(v);
        const existing = roster.get(v.nurseId);
        if (!existing && v.pin === undefined) return bad('A new member needs a PIN.');
        roster.set(v.nurseId, {
          nurseId: v.nurseId,
          name: v.name,
          role: v.role,
          active: v.active,
          pin: v.pin ?? existing!.pin,
          updatedAt: now(),
        });
        const s = live(peer)!;
        record(
          'access',
          { nurseId: s.actor.nurseId, nurse: s.actor.name },
          {
            action: 'roster-saved',
            subject: v.nurseId,
            detail: existing ? 'member changed' : 'member added',
          },
        );
        let touched = false;
        for (const [p, other] of sessions) {
          if (other.actor.nurseId !== v.nurseId) continue;
          touched = true;
          if (!v.active) sessions.delete(p);
          else other.actor = { nurseId: v.nurseId, name: v.name, role: v.role };
        }
        if (touched) changed('roster-changed');
        return ok(
          [...roster.values()]
            .map(({ pin: _pin, ...m }) => m)
            .sort((a, b) => a.nurseId.localeCompare(b.nurseId)),
        );
      },
      'audit:list': (req) => {
        const refused = gate(peer, 'charge', 'audit:list');
        if (refused) return refused;
        const v = validated('audit:list', req);
        if (typeof v === 'string') return bad(v);
        return ok(
          audit
            .filter(
              (e) =>
                (!v.kind || e.kind === v.kind) &&
                (!v.nurseId || e.nurseId === v.nurseId) &&
                (v.from === undefined || e.at >= v.from) &&
                (v.to === undefined || e.at < v.to),
            )
            .slice(0, v.limit),
        );
      },
      'settings:get': () => ok(settings),
      'settings:update-sign-in': (req) => {
        const refused = gate(peer, 'charge', 'settings:update-sign-in');
        if (refused) return refused;
        const v = validated('settings:update-sign-in', req);
        if (typeof v === 'string') return bad(v);
        settings = { ...settings, signIn: v };
        return ok(settings);
      },
    } satisfies Handlers;
    return h;
  }

  return {
    handlers: handlersFor('window:1'),
    handlersFor,
    info,
    audit,
    roster,
    /** answers `unauthorized` / `forbidden` as the station does before running `handler` */
    requires<C extends Channel>(
      needs: 'nurse' | 'charge',
      channel: C,
      handler: Handler<C>,
      peer = 'window:1',
    ) {
      return ((request: RequestOf<C>) => gate(peer, needs, channel) ?? handler(request)) as Handler<C>;
    },
    /** the screen was locked: every session ends, and every window hears `session:changed` */
    lockScreen(): void {
      for (const [p, s] of sessions) {
        record(
          'access',
          { nurseId: s.actor.nurseId, nurse: s.actor.name },
          { action: 'screen-locked', subject: p, detail: 'the screen was locked' },
        );
      }
      const any = sessions.size > 0;
      sessions.clear();
      if (any) changed('screen-locked');
    },
    /** what the station pushes as `session:changed` (wire it to a mockStation's emit) */
    onChanged(listener: (reason: EventMap['session:changed']['reason']) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A mocked window of a station running the fake sign-in rules, with `extra` handlers on top. */
export function mockSignedStation(extra: Handlers = {}, opts: FakeSessionOptions = {}) {
  const sessions = fakeSessions(opts);
  const station = mockStation({ ...sessions.handlers, ...extra } as Handlers);
  sessions.onChanged((reason) => station.emit('session:changed', { reason }));
  return { ...station, sessions };
}
