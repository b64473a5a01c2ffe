// The composition root: the one place where ports meet adapters. Simulator mode wires the
// simulated ward + in-process engine + SQLite alert store; connected mode wires RisingWave and
// MySQL. Both keep acknowledgements in the local SQLite cache first.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ThresholdLimits } from '../../../shared/domain/types';
import type { EventMap, EventName } from '../../../shared/ipc/contract';
import {
  SimulatedVitalsSource,
  type ThresholdPersistence,
} from '../adapters/simulator/simulated-vitals-source';
import { openCheckedStationDatabase, prepareDataDir } from '../adapters/sqlite/open-database';
import { createSqliteAckCache } from '../adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertOutbox } from '../adapters/sqlite/sqlite-alert-outbox';
import { createSqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store';
import { createSqliteAnnouncedAlerts } from '../adapters/sqlite/sqlite-announced-alerts';
import { createSqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log';
import { createSqliteRoster } from '../adapters/sqlite/sqlite-roster';
import { createSettingsStore, type SettingsStore } from '../config/settings-store';
import { demoRosterRecords, demoRosterView } from './demo-roster';
import { dispatch, type HandlerTable } from './dispatch';
import type { HostOptions, StationHost } from './host-types';
import { logger } from './logger';
import { systemClock, type AlertStore, type Clock, type RosterStore, type VitalsSource } from './ports';
import { SessionGate } from './session-gate';
import { StationCore, type Call, type SettingsPort } from './station-core';

export const APP_VERSION = '0.1.0';

/** Requests that are the nurse's own doing, and so count as activity (reads and polls do not). */
const ACTIONS: ReadonlySet<string> = new Set([
  'alerts:acknowledge',
  'thresholds:update',
  'ward:assign-bed',
  'roster:save',
  'settings:update-connection',
  'settings:update-notifications',
  'settings:update-retention',
  'settings:update-sign-in',
]);

/**
 * The actions a signed-in nurse may still take while the roster cannot be re-read (MySQL down or
 * slow): acknowledging, which goes to the SQLite cache first and must work offline — an alarm is
 * never left unacknowledgeable because the ward database is down. The charge nurse's changes
 * (thresholds, roster, beds, settings) wait: a role read an hour ago may have been taken away since
 * (demoted, deactivated, a new PIN because hers was seen), and none of them is urgent at the bedside
 * (IT can still change the connection through the settings file or NURSE_STATION_* variables).
 */
const WHILE_ROSTER_UNREADABLE: ReadonlySet<string> = new Set(['alerts:acknowledge']);

/** e.g. "Electron 45.4.1, Node 22.20.0, linux x64" (Settings → About) */
function runtimeDescription(): string {
  const electron = process.versions.electron ? `Electron ${process.versions.electron}, ` : '';
  return `${electron}Node ${process.versions.node}, ${process.platform} ${process.arch}`;
}

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Simulator mode keeps custom thresholds in the station database, like RisingWave's table. */
function sqliteThresholds(db: Database): ThresholdPersistence {
  db.exec(`CREATE TABLE IF NOT EXISTS patient_thresholds (
    patient_id TEXT PRIMARY KEY, limits_json TEXT NOT NULL, updated_at INTEGER NOT NULL)`);
  return {
    load() {
      const rows = db.prepare('SELECT patient_id, limits_json FROM patient_thresholds').all() as {
        patient_id: string;
        limits_json: string;
      }[];
      return new Map(rows.map((r) => [r.patient_id, JSON.parse(r.limits_json) as ThresholdLimits]));
    },
    save(patientId, limits) {
      db.prepare(
        `INSERT INTO patient_thresholds (patient_id, limits_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (patient_id) DO UPDATE SET limits_json = excluded.limits_json, updated_at = excluded.updated_at`,
      ).run(patientId, JSON.stringify(limits), Date.now());
    },
  };
}

function settingsPort(store: SettingsStore): SettingsPort {
  return {
    // the settings screen sees a keyring that became available since start (asked again if it was not)
    view: async () => {
      await store.refresh();
      return store.view();
    },
    notifications: () => store.get().notifications,
    updateConnection: (input) => store.updateConnection(input),
    updateNotifications: (policy) => store.updateNotifications(policy),
    ackRetentionDays: () => store.ackRetentionDays(),
    updateRetention: (days) => store.setAckRetentionDays(days),
    updateSignIn: (signIn) => store.updateSignIn(signIn),
  };
}

interface Wiring {
  core: StationCore;
  vitals: VitalsSource;
  alerts: AlertStore;
  roster: RosterStore;
  /** the core's channels and the session gate's, answered per caller */
  handlers: HandlerTable;
}

/** How often sessions that ran out of idle time are ended (audited, and their windows told). */
const SESSION_SWEEP_MS = 15_000;

export async function createStationHost(opts: HostOptions & { clock?: Clock }): Promise<StationHost> {
  const clock = opts.clock ?? systemClock;
  try {
    prepareDataDir(opts.dataDir); // 0700: the cache and settings hold patient ids, names and notes
  } catch (err) {
    logger.warn(`cannot make the data folder private: ${(err as Error).message}`);
  }
  const opened = openCheckedStationDatabase(join(opts.dataDir, 'station.sqlite'), {
    nativeBinding: opts.sqliteNativeBinding,
  });
  const db = opened.db;
  // A damaged cache never stops the station: it was kept for IT, and the core raises a technical alarm.
  const cacheReplaced = opened.replaced && {
    message: `The local acknowledgement cache was damaged (${opened.replaced.reason}) and has been replaced by a new, empty one; the damaged file is kept for IT as ${opened.replaced.keptAs}. Acknowledgements not yet in the alert store may be only in it: call IT.`,
    announce: true,
  };
  const cache = createSqliteAckCache(db);
  const outbox = createSqliteAlertOutbox(db);
  const announced = createSqliteAnnouncedAlerts(db);
  const settings = createSettingsStore({
    file: join(opts.dataDir, 'settings.json'),
    secretStore: opts.secretStore,
    env: opts.env,
  });
  // the saved passwords, decrypted before anything connects (the keyring answers asynchronously)
  await settings.unlock();
  const stationId = opts.stationId ?? process.env.NURSE_STATION_ID ?? hostname().split('.')[0] ?? 'station';
  const timeZone = opts.simulator?.timeZone ?? process.env.NURSE_STATION_TIME_ZONE ?? systemTimeZone();
  const audit = createSqliteAuditLog(db);
  const listeners = new Set<<E extends EventName>(event: E, payload: EventMap[E]) => void>();
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    for (const l of listeners) l(event, payload);
  };
  let wiring: Wiring | null = null;
  let rewiring: Promise<void> = Promise.resolve();
  // Sessions belong to windows and connections, not to a core: they outlive a rebuilt one.
  const sessions = new SessionGate({
    clock,
    roster: () => wiring?.roster ?? null,
    audit: (event) => audit.record(event),
    stationId,
    idleMinutes: () => settings.get().signIn.idleMinutes,
    onChanged: (reason) => emit('session:changed', { reason }),
    log: (level, message) => logger.log(level, message),
  });
  let sweepTimer: unknown = null;
  // idle sessions, held-back refusal counts, and the roster re-read for everyone signed in (a member
  // changed by the CLI or another station of the ward)
  const sweep = () => {
    sessions.sweep().catch((err: Error) => logger.error(`session sweep failed: ${err.message}`));
    sweepTimer = clock.setTimeout(sweep, SESSION_SWEEP_MS);
  };
  sweep();

  /** nurseId → the peer whose roster:save of that member is under way (see rosterChanged) */
  const savedFrom = new Map<string, string>();

  async function build(): Promise<Wiring> {
    const s = settings.get();
    const identifiers = settings.identifierRule(); // one instance per wiring: its adapters share the reject count
    let vitals: VitalsSource;
    let alerts: AlertStore;
    let roster: RosterStore;
    if (s.connection.mode === 'connected') {
      // Loaded on first use: the drivers (mysql2, pg) cost ≈ 0.1 s of start-up a simulator never needs.
      const [{ createRisingWaveVitalsSource }, { createMysqlAlertStore }, { createMysqlRoster }, kafkaFeed] =
        await Promise.all([
          import('../adapters/risingwave/risingwave-vitals-source'),
          import('../adapters/mysql/mysql-alert-store'),
          import('../adapters/mysql/mysql-roster'),
          s.connection.kafka.bootstrap ? import('../adapters/kafka/kafka-alert-feed') : null,
        ]);
      const rw = s.connection.risingwave;
      const my = s.connection.mysql;
      const kafka = s.connection.kafka;
      const brokers = kafka.bootstrap
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b.length > 0);
      vitals = createRisingWaveVitalsSource({
        host: rw.host,
        port: rw.port,
        user: rw.user,
        password: rw.password ?? '',
        database: rw.database,
        pollIntervalMs: s.connection.pollIntervalMs,
        clock,
        stationId,
        wardId: s.connection.wardId || null,
        identifiers,
        createAlertPush: kafkaFeed
          ? (deliver) =>
              kafkaFeed.createKafkaAlertFeed({
                brokers,
                topic: kafka.alertsTopic,
                stationId,
                deliver,
                clock,
                log: (m) => logger.warn(m),
                identifiers,
              })
          : undefined,
      });
      alerts = createMysqlAlertStore({
        host: my.host,
        port: my.port,
        user: my.user,
        password: my.password ?? '',
        database: my.database,
        stationId,
        identifiers,
      });
      roster = createMysqlRoster({
        host: my.host,
        port: my.port,
        user: my.user,
        password: my.password ?? '',
        database: my.database,
      });
    } else {
      vitals = new SimulatedVitalsSource({
        clock,
        beds: opts.simulator?.beds,
        seed: opts.simulator?.seed,
        speed: opts.simulator?.speed,
        warmupMs: opts.simulator?.warmupMs,
        warmupInBackground: opts.simulator?.warmupInBackground,
        log: (m) => logger.info(m),
        timeZone,
        thresholds: sqliteThresholds(db),
        identifiers,
      });
      alerts = createSqliteAlertStore(db, { stationId });
      // simulator mode: the published demo roster, seeded once (a PIN changed here survives restarts)
      roster = createSqliteRoster(db, { seed: demoRosterRecords(clock.now()) });
    }
    const core = new StationCore({
      vitals,
      alerts,
      cache,
      outbox,
      announced,
      notifier: opts.notifier,
      clock,
      settings: settingsPort(settings),
      info: {
        mode: s.connection.mode,
        stationId,
        version: APP_VERSION,
        wardTimeZone: timeZone,
        shell: opts.shell,
        demoRoster: s.connection.mode === 'simulator' ? demoRosterView() : null,
      },
      about: { dataDir: opts.dataDir, logDir: opts.logDir ?? null, runtime: runtimeDescription() },
      recordFeedInStore: s.connection.mode === 'simulator',
      // other stations acknowledge in the shared MySQL store: learn of it every 5 s
      handledCheckIntervalMs: s.connection.mode === 'connected' ? 5_000 : undefined,
      audit,
      roster,
      onRosterSaved: (member) => sessions.rosterChanged(member, savedFrom.get(member.nurseId)),
      log: (level, message) => logger.log(level, message),
      newId: randomUUID,
      cacheReplacedAtStart: cacheReplaced ? { ...cacheReplaced } : undefined,
    });
    core.on(emit);
    const withSession = (c: Call) => ({ ...core.info(), nurse: sessions.session(c.peer) });
    const handlers: HandlerTable = {
      ...core.handlers,
      // the window a member is saved from: a charge nurse giving herself a new PIN stays signed in there
      'roster:save': async (req: { nurseId: string }, c: Call) => {
        savedFrom.set(req.nurseId, c.peer);
        try {
          return await core.handlers['roster:save'](req as never, c);
        } finally {
          if (savedFrom.get(req.nurseId) === c.peer) savedFrom.delete(req.nurseId);
        }
      },
      'station:info': async (_req: never, c: Call) => withSession(c),
      'session:sign-in': async (req: { nurseId: string; pin: string }, c: Call) => {
        await sessions.signIn(c.peer, req.nurseId, req.pin);
        return withSession(c);
      },
      'session:sign-out': async (_req: never, c: Call) => {
        sessions.signOut(c.peer);
        return withSession(c);
      },
      'session:activity': async (_req: never, c: Call) => {
        sessions.activity(c.peer);
        return withSession(c);
      },
    };
    return { core, vitals, alerts, roster, handlers };
  }

  async function startWiring(): Promise<void> {
    const next = await build();
    if (cacheReplaced) cacheReplaced.announce = false; // shown until restart, announced once
    await next.core.start();
    wiring = next;
    logger.info(
      `station ${stationId} running in ${settings.get().connection.mode} mode (${opts.shell} shell)`,
    );
  }

  async function stopWiring(): Promise<void> {
    const old = wiring;
    wiring = null;
    if (!old) return;
    await old.core.stop();
    await Promise.all([old.alerts.close(), old.roster.close()]);
  }

  await startWiring();

  // A changed connection (or mode) takes effect at once: the core is rebuilt on the new adapters.
  let lastConnection = JSON.stringify(settings.get().connection);
  const rosterSource = () => {
    const c = settings.get().connection;
    return c.mode === 'simulator'
      ? 'simulator'
      : JSON.stringify([c.mysql.host, c.mysql.port, c.mysql.database]);
  };
  let lastRosterSource = rosterSource();
  settings.onChange(() => {
    const now = JSON.stringify(settings.get().connection);
    if (now === lastConnection) return;
    lastConnection = now;
    if (rosterSource() !== lastRosterSource) {
      lastRosterSource = rosterSource();
      sessions.endAll('roster-changed');
    }
    rewiring = rewiring
      .then(async () => {
        await stopWiring();
        await startWiring();
        const core = wiring?.core;
        if (!core) return;
        const health = await core.handlers['health:get']({}, { peer: 'host', actor: null });
        emit('health:changed', health);
      })
      .catch((err: Error) => logger.error(`could not apply the new connection settings: ${err.message}`));
  });

  return {
    async handle(channel, request, ctx) {
      await rewiring;
      const current = wiring;
      if (!current) {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'The station is restarting; try again.' },
        };
      }
      // the caller's own session: a window or connection is nobody until its nurse signs in there
      const call: Call = { peer: ctx.peer, actor: sessions.actor(ctx.peer) };
      if (call.actor && ACTIONS.has(String(channel))) {
        // before an action, the roster says whether she still may (changed elsewhere since sign-in)
        const checked = await sessions.recheck(ctx.peer);
        call.actor = checked.actor;
        if (
          checked.actor?.role === 'charge' &&
          !checked.rosterReadable &&
          !WHILE_ROSTER_UNREADABLE.has(String(channel))
        ) {
          return {
            ok: false,
            error: {
              code: 'unavailable',
              message:
                'The roster cannot be read now (the ward database is not answering), so charge-nurse changes wait until it answers. Acknowledging alerts still works.',
            },
          };
        }
      }
      const result = await dispatch(
        current.handlers,
        channel,
        request,
        (m) => logger.error(`${ctx.shell}/${ctx.peer}: ${m}`),
        call,
      );
      if (!result.ok && result.error.code === 'forbidden')
        sessions.forbidden(ctx.peer, call.actor, String(channel));
      // an action done is activity: the nurse acknowledging alerts is not signed out mid-round
      else if (result.ok && call.actor && ACTIONS.has(String(channel))) sessions.activity(ctx.peer);
      return result;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    unreadCount: () => wiring?.core.unreadCount() ?? 0,
    endSessions: (reason) => {
      sessions.endAll(reason);
    },
    peerClosed: (peer) => sessions.peerClosed(peer),
    async wake(reason) {
      try {
        await rewiring; // a station being rebuilt for new settings connects afresh anyway
        await wiring?.core.wake(reason);
      } catch (err) {
        logger.warn(`wake (${reason}) failed: ${(err as Error).message}`);
      }
    },
    async close() {
      if (sweepTimer !== null) clock.clearTimeout(sweepTimer);
      await rewiring;
      await stopWiring();
      cache.close(); // brings a cache file written back while running up to date one last time
      db.close();
    },
  };
}
