// Who is signed in, per window or browser session (the "peer" a shell names: `window:1`, `ws-3`),
// never for the whole station: a second tab of the web shell is nobody until its own nurse signs in.
// A session ends when its nurse signs out, after the idle time without activity (on the monotonic
// clock or the wall clock, whichever says so first: only the wall clock moves while the PC sleeps),
// when the screen is locked or the PC suspended, when its connection closes, and when the roster no
// longer says what it said at sign-in (re-read before every action and every 15 s: a member made
// inactive, given another role or a new PIN, here, by the CLI or by another station of the ward).
// Failed attempts are rate-limited per identifier — separately for the station's own windows and for
// every other connection, so a web-shell tab cannot lock a nurse out of the station's screen — per
// peer, and station-wide for other connections; lock-outs double each time. Every attempt is audited.
import type { NurseSession } from '../../../shared/ipc/contract';
import { verifyPin } from './pin-hash';
import type { Actor, AuditEvent, Clock, RosterRecord, RosterStore } from './ports';
import { StationError } from './station-error';

export type SessionChangeReason = 'screen-locked' | 'suspended' | 'roster-changed' | 'idle-timeout';

export interface SessionGateDeps {
  /** now() (wall) and monotonic(): idle time is measured on both */
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
  onChanged?: (reason: SessionChangeReason) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  limits?: Partial<SignInLimits>;
}

export interface SignInLimits {
  /** wrong PINs for one identifier within `windowMs` that lock it (counted apart for the station's windows and for other connections) */
  perIdentifier: number;
  /** wrong attempts from one window or connection within `windowMs` that lock it */
  perPeer: number;
  /**
   * failures from all connections other than the station's own windows within `windowMs` that
   * pause their sign-ins: a count that reconnecting does not reset (spraying one PIN over a roster)
   */
  remoteBudget: number;
  windowMs: number;
  /** the first lock-out; each consecutive one doubles it, up to `maxLockMs` */
  lockMs: number;
  maxLockMs: number;
  /** a lock-out history is forgotten after this long without a lock-out (and at a successful sign-in) */
  forgetLocksMs: number;
  /** sign-ins checked at once across the station (each is ≈0.15 s of scrypt) */
  inFlight: number;
  /** of `inFlight`, the slots other connections cannot take: the station's own screen always gets one */
  reservedForWindows: number;
  /** refused requests of one (peer, channel, code) audited once per this long; the others are counted */
  refusalAuditMs: number;
  /** a re-read of the roster that takes longer counts as the roster unreadable */
  rosterReadTimeoutMs: number;
  /** after a failed re-read, further re-reads wait this long (a down database is not asked per action) */
  rosterRetryMs: number;
}

const DEFAULT_LIMITS: SignInLimits = {
  perIdentifier: 5,
  perPeer: 10,
  remoteBudget: 30,
  windowMs: 15 * 60_000,
  lockMs: 5 * 60_000,
  maxLockMs: 60 * 60_000,
  forgetLocksMs: 24 * 60 * 60_000,
  inFlight: 4,
  reservedForWindows: 1,
  refusalAuditMs: 60_000,
  rosterReadTimeoutMs: 3_000,
  rosterRetryMs: 15_000,
};
/** Identifiers and peers whose failure history is kept; beyond it the oldest are forgotten. */
const MAX_TRACKED = 10_000;
/** The key of the station-wide count of failures from other connections. */
const REMOTE = '*';

/** The station's own Electron windows (shell/ipc.ts, shell/app.ts); everything else is another connection. */
export function isStationWindow(peer: string): boolean {
  return peer.startsWith('window:');
}

interface Session {
  actor: Actor;
  /** the hash the PIN was checked against: another one in the roster ends the session */
  pinHash: string;
  /** monotonic ms of the last activity */
  lastActive: number;
  /** wall ms of the last activity: the monotonic clock stands still while the PC sleeps */
  lastActiveWall: number;
}

interface Failures {
  /** monotonic ms of recent failures, oldest first */
  times: number[];
  lockedUntil: number;
  /** lock-outs since the last successful sign-in: the next one lasts lockMs · 2^locks */
  locks: number;
  lastLockAt: number;
}

interface Refusals {
  /** monotonic ms of the last row written for this key */
  since: number;
  suppressed: number;
  who: { nurseId: string | null; nurse: string };
  peer: string;
  what: string;
}

/** What the roster says of a member now: undefined when it cannot be read. */
type RosterRead = RosterRecord | null | undefined;

function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

function refusedAs(code: string, channel: string): string {
  return code === 'forbidden' ? `${channel} needs the charge nurse` : `${channel} refused (${code})`;
}

export class SessionGate {
  private readonly sessions = new Map<string, Session>();
  /** keyed `window|<id>` or `remote|<id>`: other connections cannot lock the station's own screen */
  private readonly failuresById = new Map<string, Failures>();
  private readonly failuresByPeer = new Map<string, Failures>();
  private readonly failuresRemote = new Map<string, Failures>();
  private readonly checking = new Set<string>();
  private checkingRemote = 0;
  /** peers that closed while their sign-in was being checked: the result is dropped */
  private readonly closedWhileChecking = new Set<string>();
  /** identifiers being checked (per class): their attempts go one at a time, so none outruns the failure count */
  private readonly checkingIds = new Set<string>();
  private readonly refusals = new Map<string, Refusals>();
  private readonly limits: SignInLimits;
  private sweeping = false;
  /** monotonic ms before which the roster is not asked again after a failed re-read */
  private rosterDownUntil = -Infinity;

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

  /**
   * How long `s` has been idle: the larger of the monotonic and the wall-clock measure. The monotonic
   * clock (performance.now()) does not advance while the PC sleeps; the wall clock does. A wall clock
   * stepped forward (NTP, an admin) may end a session early — a nurse signs in again, the safe side;
   * one stepped back extends nothing, the monotonic measure still runs.
   */
  private idleFor(s: Session): number {
    return Math.max(this.deps.clock.monotonic() - s.lastActive, this.deps.clock.now() - s.lastActiveWall);
  }

  /** The session of `peer`, ended first when it has been idle too long. */
  private live(peer: string): Session | null {
    const s = this.sessions.get(peer);
    if (!s) return null;
    if (this.idleFor(s) >= this.idleMs()) {
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
    const remaining = this.idleMs() - this.idleFor(s);
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
    s.lastActiveWall = this.deps.clock.now();
    return this.view(s);
  }

  // ---- the roster, re-read -------------------------------------------------------------------

  /** The member as the roster has her now; undefined when it cannot be read (down, slow, rebuilding). */
  private async readMember(nurseId: string): Promise<RosterRead> {
    if (this.deps.clock.monotonic() < this.rosterDownUntil) return undefined;
    const roster = this.deps.roster();
    if (!roster) return undefined;
    let timer: unknown = null;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = this.deps.clock.setTimeout(
          () => reject(new Error(`no answer in ${this.limits.rosterReadTimeoutMs} ms`)),
          this.limits.rosterReadTimeoutMs,
        );
      });
      const member = await Promise.race([roster.find(nurseId), timeout]);
      this.rosterDownUntil = -Infinity;
      return member;
    } catch (err) {
      this.rosterDownUntil = this.deps.clock.monotonic() + this.limits.rosterRetryMs;
      this.deps.log?.('warn', `roster unreadable, sessions kept as they are: ${(err as Error).message}`);
      return undefined;
    } finally {
      if (timer !== null) this.deps.clock.clearTimeout(timer);
    }
  }

  /** Why `s` may not go on as the roster now has its member; null when it may. */
  private outdated(s: Session, member: RosterRecord | null): string | null {
    if (!member) return 'removed from the roster';
    if (!member.active) return 'made inactive in the roster';
    if (member.role !== s.actor.role) return `role changed in the roster (${s.actor.role} → ${member.role})`;
    if (member.pinHash !== s.pinHash) return 'a new PIN was set in the roster';
    return null;
  }

  /**
   * Holds the sessions of `member.nurseId` against what the roster says now: ends those it no longer
   * allows (audited), lets a new name follow. Returns whether one ended.
   */
  private apply(nurseId: string, member: RosterRecord | null): boolean {
    let ended = false;
    for (const [peer, s] of [...this.sessions]) {
      if (s.actor.nurseId !== nurseId) continue;
      const why = this.outdated(s, member);
      if (why) {
        this.sessions.delete(peer);
        this.record('sign-out', { nurseId, nurse: member?.name ?? s.actor.name }, peer, why);
        ended = true;
      } else if (member && member.name !== s.actor.name) {
        s.actor = { ...s.actor, name: member.name };
      }
    }
    return ended;
  }

  /**
   * Re-reads the roster for the session of `peer` before an action: a member made inactive, given
   * another role or a new PIN anywhere (this station, the CLI, another station of the ward) is signed
   * out now (audited, every window told), not at her next sign-in. `rosterReadable: false`: the
   * roster did not answer and the session was kept on what it said at sign-in — the caller decides
   * what may go on on that (station-host.ts: acknowledging, yes; charge-nurse changes, no).
   */
  async recheck(peer: string): Promise<{ actor: Actor | null; rosterReadable: boolean }> {
    const s = this.live(peer);
    if (!s) return { actor: null, rosterReadable: true };
    const member = await this.readMember(s.actor.nurseId);
    if (member === undefined) return { actor: this.actor(peer), rosterReadable: false };
    if (this.apply(s.actor.nurseId, member)) this.deps.onChanged?.('roster-changed');
    return { actor: this.actor(peer), rosterReadable: true };
  }

  // ---- sign-in -------------------------------------------------------------------------------

  private locked(map: Map<string, Failures>, key: string, now: number): number {
    const f = map.get(key);
    return f && f.lockedUntil > now ? f.lockedUntil - now : 0;
  }

  /** Counts one failure; returns the length of the lock-out it starts, 0 when none. */
  private fail(map: Map<string, Failures>, key: string, limit: number, now: number): number {
    let f = map.get(key);
    if (!f) {
      if (map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string);
      f = { times: [], lockedUntil: 0, locks: 0, lastLockAt: -Infinity };
    } else {
      map.delete(key); // re-inserted last: the map's order is least recently failed first
    }
    map.set(key, f);
    f.times = f.times.filter((t) => now - t < this.limits.windowMs);
    f.times.push(now);
    if (f.times.length < limit) return 0;
    if (now - f.lastLockAt > this.limits.forgetLocksMs) f.locks = 0;
    const ms = Math.min(this.limits.maxLockMs, this.limits.lockMs * 2 ** f.locks);
    f.locks += 1;
    f.lastLockAt = now;
    f.lockedUntil = now + ms;
    f.times = [];
    return ms;
  }

  private busy(): StationError {
    return new StationError(
      'rate_limited',
      'A sign-in is already being checked: wait a moment and try again.',
    );
  }

  async signIn(peer: string, nurseId: string, pin: string): Promise<NurseSession> {
    const own = isStationWindow(peer);
    const idKey = `${own ? 'window' : 'remote'}|${nurseId}`;
    const now = this.deps.clock.monotonic();
    const peerLock = this.locked(this.failuresByPeer, peer, now);
    const idLock = this.locked(this.failuresById, idKey, now);
    const remoteLock = own ? 0 : this.locked(this.failuresRemote, REMOTE, now);
    // Refused unchecked and not audited again: the lock-out was, and a script hammering a locked
    // identifier must not fill the audit.
    if (peerLock > 0 || idLock > 0 || remoteLock > 0) {
      throw new StationError(
        'rate_limited',
        peerLock > 0
          ? `Too many failed sign-ins from this screen: try again in ${minutes(peerLock)}.`
          : idLock > 0
            ? `Too many wrong PINs for ${nurseId}: try again in ${minutes(idLock)}, or ask the charge nurse.`
            : `Too many failed sign-ins from other screens: sign-in here is paused for ${minutes(remoteLock)}; the station's own screen still works.`,
      );
    }
    // One check at a time per window and per identifier, a few per station with one slot kept for
    // the station's own screen: attempts cannot be fired in parallel to outrun the failure count,
    // flood the station's CPU with scrypt work, or keep the nurse at the station from signing in.
    if (this.checking.has(peer) || this.checkingIds.has(idKey)) throw this.busy();
    if (this.checking.size >= this.limits.inFlight) throw this.busy();
    if (!own && this.checkingRemote >= this.limits.inFlight - this.limits.reservedForWindows)
      throw this.busy();
    const roster = this.deps.roster();
    if (!roster) throw new StationError('unavailable', 'The station is restarting; try again.');
    this.checking.add(peer);
    this.checkingIds.add(idKey);
    if (!own) this.checkingRemote += 1;
    const unreadable = (err: unknown) => {
      this.deps.log?.('warn', `roster unreadable: ${(err as Error).message}`);
      return new StationError(
        'unavailable',
        'The roster cannot be read now (the ward database is not answering): try again, or call IT.',
      );
    };
    let member: RosterRecord | null;
    let match: boolean;
    /** the member re-read after the PIN check (which takes ≈0.15 s): what the session is made of */
    let now2: RosterRecord | null = null;
    let closed: boolean;
    try {
      try {
        member = await roster.find(nurseId);
      } catch (err) {
        throw unreadable(err);
      }
      // the same scrypt work whether or not the identifier exists
      match = await verifyPin(pin, member?.pinHash ?? null);
      if (member && match && member.active) {
        try {
          now2 = await roster.find(nurseId);
        } catch (err) {
          throw unreadable(err);
        }
      }
    } finally {
      this.checking.delete(peer);
      this.checkingIds.delete(idKey);
      if (!own) this.checkingRemote -= 1;
      closed = this.closedWhileChecking.delete(peer);
    }
    // An identifier nobody has is not written into the audit: it is often a PIN typed into the
    // wrong field.
    const who = member ? { nurseId, nurse: member.name } : { nurseId: null, nurse: '' };
    const at = this.deps.clock.monotonic();
    const lockedMeanwhile = Math.max(
      this.locked(this.failuresById, idKey, at),
      this.locked(this.failuresByPeer, peer, at),
      own ? 0 : this.locked(this.failuresRemote, REMOTE, at),
    );
    if (lockedMeanwhile > 0) {
      throw new StationError(
        'rate_limited',
        `Too many failed sign-ins: try again in ${minutes(lockedMeanwhile)}, or ask the charge nurse.`,
      );
    }
    if (!member || !match || !member.active) {
      // counted even when the connection closed meanwhile: closing does not buy a free guess
      const idLockMs = this.fail(this.failuresById, idKey, this.limits.perIdentifier, at);
      const peerLockMs = closed ? 0 : this.fail(this.failuresByPeer, peer, this.limits.perPeer, at);
      const remoteLockMs = own ? 0 : this.fail(this.failuresRemote, REMOTE, this.limits.remoteBudget, at);
      const why = !member
        ? `unknown identifier (${nurseId.length} characters)`
        : !match
          ? 'wrong PIN'
          : 'member not active';
      this.record('sign-in-refused', who, peer, why);
      // (the subject names the window or connection; "at the station's own screen" tells the class)
      const where = own ? ' at the station’s own screen' : '';
      if (idLockMs > 0)
        this.record('locked-out', who, peer, `identifier locked for ${minutes(idLockMs)}${where}`);
      if (peerLockMs > 0)
        this.record('locked-out', who, peer, `this window locked for ${minutes(peerLockMs)}`);
      if (remoteLockMs > 0)
        this.record(
          'locked-out',
          who,
          peer,
          `sign-ins from other connections than the station’s own screen paused for ${minutes(remoteLockMs)} after ${this.limits.remoteBudget} failures in ${minutes(this.limits.windowMs)}`,
        );
      const lockMs = Math.max(idLockMs, peerLockMs, remoteLockMs);
      if (lockMs > 0) {
        this.deps.log?.('warn', 'sign-in locked out after repeated failures');
        throw new StationError(
          'rate_limited',
          `Too many failed sign-ins: try again in ${minutes(lockMs)}, or ask the charge nurse.`,
        );
      }
      // one answer for all three: the screen does not tell which identifiers exist
      throw new StationError('unauthorized', 'Identifier or PIN not recognised.');
    }
    // The roster changed while the PIN was checked (made inactive, removed, a new PIN): the PIN was
    // right for what the roster no longer says. Refused, not counted as a guess. A new role or name
    // alone is taken from the re-read.
    if (!now2 || !now2.active || now2.pinHash !== member.pinHash) {
      this.record('sign-in-refused', who, peer, 'the roster changed while the PIN was checked');
      throw new StationError('unauthorized', 'Identifier or PIN not recognised.');
    }
    // The window closed or the connection dropped meanwhile: nobody is there to be signed in.
    if (closed) {
      this.record('sign-in-refused', who, peer, 'the window or connection closed while the PIN was checked');
      throw new StationError('unavailable', 'The window or connection closed.');
    }
    this.failuresById.delete(idKey);
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
      actor: { nurseId: now2.nurseId, name: now2.name, role: now2.role },
      pinHash: now2.pinHash,
      lastActive: this.deps.clock.monotonic(),
      lastActiveWall: this.deps.clock.now(),
    };
    this.sessions.set(peer, session);
    this.record(
      'sign-in',
      { nurseId, nurse: now2.name },
      peer,
      now2.role === 'charge' ? 'charge nurse' : 'nurse',
    );
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
    if (this.checking.has(peer)) this.closedWhileChecking.add(peer);
    this.signOut(peer, 'window or connection closed');
    // the station-wide count of other connections' failures stays: reconnecting does not reset it
    this.failuresByPeer.delete(peer);
  }

  /**
   * Signs everyone out: the screen was locked or the PC suspended (nobody stays signed in behind it),
   * or the station now reads another roster (simulator ↔ connected, another MySQL): a demo roster's
   * charge nurse must not stay signed in on a hospital's ward.
   */
  endAll(reason: 'screen-locked' | 'suspended' | 'roster-changed'): number {
    const n = this.sessions.size;
    for (const [peer, s] of this.sessions) {
      const who = { nurseId: s.actor.nurseId, nurse: s.actor.name };
      if (reason === 'screen-locked') this.record('screen-locked', who, peer, 'the screen was locked');
      else if (reason === 'suspended') this.record('suspended', who, peer, 'the PC was suspended');
      else this.record('sign-out', who, peer, 'the station now reads another roster');
    }
    this.sessions.clear();
    if (n > 0) this.deps.onChanged?.(reason);
    return n;
  }

  /**
   * A roster member was saved on this station: her sessions end at once when she was made inactive,
   * given another role or a new PIN (the sessions opened with the old PIN); a new name follows.
   * `savedFrom`: the peer that saved it. A charge nurse who gives herself a new PIN there stays
   * signed in there (it is she who changed it); her other sessions end. Changes made elsewhere are
   * found by recheck() and sweep().
   */
  rosterChanged(member: RosterRecord, savedFrom?: string): void {
    const own = savedFrom === undefined ? undefined : this.sessions.get(savedFrom);
    if (own && own.actor.nurseId === member.nurseId && member.active && member.role === own.actor.role)
      own.pinHash = member.pinHash;
    if (this.apply(member.nurseId, member)) this.deps.onChanged?.('roster-changed');
  }

  /**
   * Ends the sessions that ran out of idle time (audited now, not at their next request), writes the
   * counts of refusals held back, then re-reads the roster for every nurse signed in. A roster that
   * cannot be read ends nobody: the next sweep tries again.
   */
  async sweep(): Promise<void> {
    let idle = false;
    for (const peer of [...this.sessions.keys()]) {
      if (this.live(peer) === null) idle = true;
    }
    if (idle) this.deps.onChanged?.('idle-timeout');
    this.flushRefusals(false);
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      let ended = false;
      const ids = new Set([...this.sessions.values()].map((s) => s.actor.nurseId));
      for (const nurseId of ids) {
        const member = await this.readMember(nurseId);
        if (member === undefined) break;
        if (this.apply(nurseId, member)) ended = true;
      }
      if (ended) this.deps.onChanged?.('roster-changed');
    } finally {
      this.sweeping = false;
    }
  }

  // ---- refused requests ----------------------------------------------------------------------

  /**
   * Audits a request refused for its role (the host calls it for every `forbidden` answer): one row
   * per (peer, channel, code) per `refusalAuditMs`; the ones held back are counted in the next row
   * (or by the sweep once the time is up), so a script in a nurse's tab cannot bury the audit.
   */
  forbidden(peer: string, actor: Actor | null, channel: string, code = 'forbidden'): void {
    const key = `${peer}\u0000${channel}\u0000${code}`;
    const now = this.deps.clock.monotonic();
    const who = { nurseId: actor?.nurseId ?? null, nurse: actor?.name ?? '' };
    const seen = this.refusals.get(key);
    if (seen && now - seen.since < this.limits.refusalAuditMs) {
      seen.suppressed += 1;
      seen.who = who;
      return;
    }
    const held =
      seen && seen.suppressed > 0
        ? ` (and ${seen.suppressed} more refused before it, not recorded one by one)`
        : '';
    this.record('forbidden', who, peer, `${refusedAs(code, channel)}${held}`);
    this.refusals.delete(key);
    if (this.refusals.size >= MAX_TRACKED) this.flushRefusals(true);
    this.refusals.set(key, { since: now, suppressed: 0, who, peer, what: refusedAs(code, channel) });
  }

  /** Writes the held-back counts whose time is up (all of them, oldest first, when `all`). */
  private flushRefusals(all: boolean): void {
    const now = this.deps.clock.monotonic();
    for (const [key, r] of this.refusals) {
      if (!all && now - r.since < this.limits.refusalAuditMs) continue;
      if (r.suppressed > 0)
        this.record(
          'forbidden',
          r.who,
          r.peer,
          `${r.what}: ${r.suppressed} more times within ${minutes(now - r.since)}, not recorded one by one`,
        );
      this.refusals.delete(key);
      if (all && this.refusals.size < MAX_TRACKED / 2) break;
    }
  }
}
