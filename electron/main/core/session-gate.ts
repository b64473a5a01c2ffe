// Who is signed in, per window or browser session (the "peer" a shell names: `window:1`, `ws-3`),
// never for the whole station: a second tab of the web shell is nobody until its own nurse signs in.
// A session ends when its nurse signs out, after the idle time without activity, when the screen
// is locked, and when its connection closes. Failed attempts are rate-limited per identifier and per
// peer, and every attempt is audited.
import type { NurseSession } from '../../../shared/ipc/contract';
import { verifyPin } from './pin-hash';
import type { Actor, AuditEvent, Clock, RosterRecord, RosterStore } from './ports';
import { StationError } from './station-error';

export interface SessionGateDeps {
  clock: Clock;
  /** the roster of the current wiring (MySQL or SQLite); null while the station is being rebuilt */
  roster: () => RosterStore | null;
  /**
   * Writes one access row. A failure is logged, not fatal: a nurse who cannot be audited signing in
   * must still be able to acknowledge an alarm (the acknowledgement's own record names her).
   */
  audit: (event: Extract<AuditEvent, { kind: 'access' }>) => void;
  stationId: string;
  idleMinutes: () => number;
  /** sign-ins changed for a reason every window must hear (each then asks for its own session) */
  onChanged?: (reason: 'screen-locked' | 'roster-changed' | 'idle-timeout') => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  limits?: Partial<SignInLimits>;
}

export interface SignInLimits {
  /** wrong PINs for one identifier within `windowMs` that lock it for `lockMs` */
  perIdentifier: number;
  /** wrong attempts from one window or connection within `windowMs` that lock it for `lockMs` */
  perPeer: number;
  windowMs: number;
  lockMs: number;
  /** sign-ins checked at once across the station (each is ≈0.15 s of scrypt) */
  inFlight: number;
}

const DEFAULT_LIMITS: SignInLimits = {
  perIdentifier: 5,
  perPeer: 10,
  windowMs: 15 * 60_000,
  lockMs: 5 * 60_000,
  inFlight: 4,
};
/** Identifiers and peers whose failure history is kept; beyond it the oldest are forgotten. */
const MAX_TRACKED = 10_000;

interface Session {
  actor: Actor;
  /** monotonic ms of the last activity */
  lastActive: number;
}

interface Failures {
  /** monotonic ms of recent failures, oldest first */
  times: number[];
  lockedUntil: number;
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export class SessionGate {
  private readonly sessions = new Map<string, Session>();
  private readonly failuresById = new Map<string, Failures>();
  private readonly failuresByPeer = new Map<string, Failures>();
  private readonly checking = new Set<string>();
  /** identifiers being checked: their attempts go one at a time, so none outruns the failure count */
  private readonly checkingIds = new Set<string>();
  private readonly limits: SignInLimits;

  constructor(private readonly deps: SessionGateDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
  }

  private idleMs(): number {
    return this.deps.idleMinutes() * 60_000;
  }

  private record(
    action: Extract<AuditEvent, { kind: 'access' }>['action'],
    who: { nurseId: string | null; nurse: string },
    subject: string | null,
    detail: string,
  ): void {
    try {
      this.deps.audit({
        kind: 'access',
        at: this.deps.clock.now(),
        nurseId: who.nurseId,
        nurse: who.nurse,
        stationId: this.deps.stationId,
        action,
        subject,
        detail,
      });
    } catch (err) {
      this.deps.log?.('error', `access audit failed (${action}): ${(err as Error).message}`);
    }
  }

  /** The session of `peer`, ended first when it has been idle too long. */
  private live(peer: string): Session | null {
    const s = this.sessions.get(peer);
    if (!s) return null;
    if (this.deps.clock.monotonic() - s.lastActive >= this.idleMs()) {
      this.sessions.delete(peer);
      this.record(
        'idle-timeout',
        { nurseId: s.actor.nurseId, nurse: s.actor.name },
        peer,
        `no activity for ${minutes(this.idleMs())}`,
      );
      return null;
    }
    return s;
  }

  private view(s: Session): NurseSession {
    const remaining = s.lastActive + this.idleMs() - this.deps.clock.monotonic();
    return {
      ...s.actor,
      idleEndsAt: this.deps.clock.now() + Math.max(0, Math.round(remaining)),
      idleMinutes: this.deps.idleMinutes(),
    };
  }

  /** Who `peer` is now; null when nobody is signed in there (or the session just ran out). */
  actor(peer: string): Actor | null {
    return this.live(peer)?.actor ?? null;
  }

  session(peer: string): NurseSession | null {
    const s = this.live(peer);
    return s ? this.view(s) : null;
  }

  /** The nurse did something in that window: the idle time starts again. */
  activity(peer: string): NurseSession | null {
    const s = this.live(peer);
    if (!s) return null;
    s.lastActive = this.deps.clock.monotonic();
    return this.view(s);
  }

  private locked(map: Map<string, Failures>, key: string, now: number): number {
    const f = map.get(key);
    return f && f.lockedUntil > now ? f.lockedUntil - now : 0;
  }

  /** Counts one failure; returns true when it starts a lock-out. */
  private fail(map: Map<string, Failures>, key: string, limit: number, now: number): boolean {
    let f = map.get(key);
    if (!f) {
      if (map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string);
      f = { times: [], lockedUntil: 0 };
    } else {
      map.delete(key); // re-inserted last: the map's order is least recently failed first
    }
    map.set(key, f);
    f.times = f.times.filter((t) => now - t < this.limits.windowMs);
    f.times.push(now);
    if (f.times.length >= limit) {
      f.lockedUntil = now + this.limits.lockMs;
      f.times = [];
      return true;
    }
    return false;
  }

  async signIn(peer: string, nurseId: string, pin: string): Promise<NurseSession> {
    const now = this.deps.clock.monotonic();
    const peerLock = this.locked(this.failuresByPeer, peer, now);
    const idLock = this.locked(this.failuresById, nurseId, now);
    // Refused unchecked and not audited again: the lock-out was, and a script hammering a locked
    // identifier must not fill the audit.
    if (peerLock > 0 || idLock > 0) {
      throw new StationError(
        'rate_limited',
        peerLock > 0
          ? `Too many failed sign-ins from this screen: try again in ${minutes(peerLock)}.`
          : `Too many wrong PINs for ${nurseId}: try again in ${minutes(idLock)}, or ask the charge nurse.`,
      );
    }
    // One check at a time per window, a few per station: attempts cannot be fired in parallel to
    // outrun the failure count, nor flood the station's CPU with scrypt work.
    if (
      this.checking.has(peer) ||
      this.checkingIds.has(nurseId) ||
      this.checking.size >= this.limits.inFlight
    ) {
      throw new StationError(
        'rate_limited',
        'A sign-in is already being checked: wait a moment and try again.',
      );
    }
    const roster = this.deps.roster();
    if (!roster) throw new StationError('unavailable', 'The station is restarting; try again.');
    this.checking.add(peer);
    this.checkingIds.add(nurseId);
    let member: RosterRecord | null;
    let match: boolean;
    try {
      try {
        member = await roster.find(nurseId);
      } catch (err) {
        this.deps.log?.('warn', `roster unreadable: ${(err as Error).message}`);
        throw new StationError(
          'unavailable',
          'The roster cannot be read now (the ward database is not answering): try again, or call IT.',
        );
      }
      // the same scrypt work whether or not the identifier exists
      match = await verifyPin(pin, member?.pinHash ?? null);
    } finally {
      this.checking.delete(peer);
      this.checkingIds.delete(nurseId);
    }
    // An identifier nobody has is not written into the audit: it is often a PIN typed into the
    // wrong field.
    const who = member ? { nurseId, nurse: member.name } : { nurseId: null, nurse: '' };
    const lockedMeanwhile =
      this.locked(this.failuresById, nurseId, this.deps.clock.monotonic()) > 0 ||
      this.locked(this.failuresByPeer, peer, this.deps.clock.monotonic()) > 0;
    if (lockedMeanwhile) {
      throw new StationError(
        'rate_limited',
        `Too many failed sign-ins: try again in ${minutes(this.limits.lockMs)}, or ask the charge nurse.`,
      );
    }
    if (!member || !match || !member.active) {
      const at = this.deps.clock.monotonic();
      const idLockedNow = this.fail(this.failuresById, nurseId, this.limits.perIdentifier, at);
      const peerLockedNow = this.fail(this.failuresByPeer, peer, this.limits.perPeer, at);
      const why = !member
        ? `unknown identifier (${nurseId.length} characters)`
        : !match
          ? 'wrong PIN'
          : 'member not active';
      this.record('sign-in-refused', who, peer, why);
      if (idLockedNow)
        this.record('locked-out', who, peer, `identifier locked for ${minutes(this.limits.lockMs)}`);
      if (peerLockedNow)
        this.record('locked-out', who, peer, `this window locked for ${minutes(this.limits.lockMs)}`);
      if (idLockedNow || peerLockedNow) {
        this.deps.log?.('warn', 'sign-in locked out after repeated failures');
        throw new StationError(
          'rate_limited',
          `Too many failed sign-ins: try again in ${minutes(this.limits.lockMs)}, or ask the charge nurse.`,
        );
      }
      // one answer for all three: the screen does not tell which identifiers exist
      throw new StationError('unauthorized', 'Identifier or PIN not recognised.');
    }
    this.failuresById.delete(nurseId);
    this.failuresByPeer.delete(peer);
    const previous = this.sessions.get(peer);
    if (previous && previous.actor.nurseId !== nurseId) {
      this.record(
        'sign-out',
        { nurseId: previous.actor.nurseId, nurse: previous.actor.name },
        peer,
        `replaced by ${nurseId}`,
      );
    }
    const session: Session = {
      actor: { nurseId: member.nurseId, name: member.name, role: member.role },
      lastActive: this.deps.clock.monotonic(),
    };
    this.sessions.set(peer, session);
    this.record('sign-in', who, peer, member.role === 'charge' ? 'charge nurse' : 'nurse');
    this.deps.log?.('info', 'nurse signed in');
    return this.view(session);
  }

  signOut(peer: string, detail = 'signed out'): void {
    const s = this.sessions.get(peer);
    if (!s) return;
    this.sessions.delete(peer);
    this.record('sign-out', { nurseId: s.actor.nurseId, nurse: s.actor.name }, peer, detail);
  }

  /** The window closed or its connection dropped: whoever was signed in there is signed out. */
  peerClosed(peer: string): void {
    this.signOut(peer, 'window or connection closed');
    this.failuresByPeer.delete(peer);
  }

  /**
   * Signs everyone out: the screen was locked (nobody stays signed in behind it), or the station now
   * reads another roster (simulator ↔ connected, another MySQL): a demo roster's charge nurse must not
   * stay signed in on a hospital's ward.
   */
  endAll(reason: 'screen-locked' | 'roster-changed'): number {
    const n = this.sessions.size;
    for (const [peer, s] of this.sessions) {
      const who = { nurseId: s.actor.nurseId, nurse: s.actor.name };
      if (reason === 'screen-locked') this.record('screen-locked', who, peer, 'the screen was locked');
      else this.record('sign-out', who, peer, 'the station now reads another roster');
    }
    this.sessions.clear();
    if (n > 0) this.deps.onChanged?.(reason);
    return n;
  }

  /**
   * A roster member changed on this station: sessions of a member made inactive end, and the name
   * and role of the others follow at once (another station's change reaches them at their next sign-in).
   */
  rosterChanged(member: RosterRecord): void {
    let changed = false;
    for (const [peer, s] of this.sessions) {
      if (s.actor.nurseId !== member.nurseId) continue;
      changed = true;
      if (!member.active) {
        this.sessions.delete(peer);
        this.record(
          'sign-out',
          { nurseId: member.nurseId, nurse: member.name },
          peer,
          'made inactive in the roster',
        );
      } else {
        s.actor = { nurseId: member.nurseId, name: member.name, role: member.role };
      }
    }
    if (changed) this.deps.onChanged?.('roster-changed');
  }

  /** Ends the sessions that ran out of idle time (audited now, not at their next request). */
  sweep(): void {
    let ended = false;
    for (const peer of [...this.sessions.keys()]) {
      if (this.live(peer) === null) ended = true;
    }
    if (ended) this.deps.onChanged?.('idle-timeout');
  }

  /** Audits a request refused for its role (called by the host for every `forbidden` answer). */
  forbidden(peer: string, actor: Actor | null, channel: string): void {
    this.record(
      'forbidden',
      { nurseId: actor?.nurseId ?? null, nurse: actor?.name ?? '' },
      peer,
      `${channel} needs the charge nurse`,
    );
  }
}
