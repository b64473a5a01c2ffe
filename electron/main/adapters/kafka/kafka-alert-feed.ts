// The push path of connected mode's alert feed: RisingWave's Kafka sink of the `alerts` view
// (backend-setup/risingwave.sql, alerts_kafka_sink) read with kafkajs.
//
// Why a sink and not a faster poll: a materialized view's change is visible to a query only after a
// barrier (1 s by default), so polling it adds up to a poll period on top; the sink hands each change
// to Kafka as the barrier completes, and a waiting fetch returns it at once.
//
// Delivery rules:
// - one consumer group per station (`nurse-station-<station id>`): every station gets every alert;
// - offsets are committed only after `deliver` has resolved, i.e. after the station has taken the
//   alerts (listed, recorded in its local ledger, handed to the notification policy). A station killed
//   before the commit reads them again after its restart and the ledger keeps it from announcing
//   them twice; one killed after it has them already. Nothing is lost, nothing repeated.
// - a message that cannot be decoded is counted and skipped (its offset is committed: it would fail
//   again forever), never stops the feed;
// - an alert whose patient_id or device_id fails the identifier rule is skipped the same way, never
//   shown, and counted in the station's rejects (identifier-gate.ts) with its reason;
// - `live()` is true only while fetches are coming back: the owner falls back to polling when not.
import { Kafka, type Consumer, type EachBatchPayload } from 'kafkajs';
import type { IdentifierRule } from '../../../../shared/domain/identifiers';
import type { Alert } from '../../../../shared/domain/types';
import { systemClock, type Clock } from '../../core/ports';
import { createIdentifierGate } from '../identifier-gate';
import { decodeAlertSinkMessage } from './alert-sink-message';
import { quietLogCreator } from './quiet-log-creator';

export interface KafkaAlertFeedOptions {
  brokers: string[];
  topic: string;
  stationId: string;
  /**
   * Takes a batch of alerts (tombstones and undecodable messages already removed). Resolves once they
   * are the station's: only then are the offsets committed. A rejection leaves them uncommitted; the
   * batch is read again.
   */
  deliver: (alerts: Alert[]) => Promise<void>;
  clock?: Clock;
  /** no fetch back for this long → not live; default 3000 */
  staleAfterMs?: number;
  /** how long a fetch waits for new messages; default 250 (an idle fetch proves the broker is there) */
  maxWaitTimeInMs?: number;
  /** between reconnect attempts after the consumer gave up; default 2000 */
  restartDelayMs?: number;
  log?: (message: string) => void;
  /** tests: a group id of their own */
  groupId?: string;
  /**
   * A group that never committed starts this far back in the topic (by message timestamp); default
   * 10 minutes, like the polling path's first read.
   */
  startLookbackMs?: number;
  /**
   * Which patient_id and device_id an alert may carry; default the station's conservative alphabet.
   * The same instance as the RisingWave source's: its rejects() then counts what this feed refused.
   */
  identifiers?: IdentifierRule;
}

export interface KafkaAlertFeedStats {
  delivered: number;
  tombstones: number;
  undecodable: number;
  /** alerts refused for their patient_id or device_id (each message once, re-deliveries included) */
  refused: number;
  lastError: string | null;
}

export interface KafkaAlertFeed {
  start(): void;
  stop(): Promise<void>;
  /** fetches are coming back (group joined, broker answering) */
  live(): boolean;
  /** why it is not live, for the health banner */
  problem(): string | null;
  stats(): Readonly<KafkaAlertFeedStats>;
  onLiveChange(listener: (live: boolean) => void): () => void;
  /**
   * The station woke up (resume, unlock, network back): a feed that gave up and waits to try again
   * tries now; a joined one that does not fetch again within staleAfterMs (a connection that died in a
   * suspend, which kafkajs would notice only at its request timeout and retries) is reconnected then.
   * A feed still joining is left to it. Idempotent.
   */
  reconnect(): void;
}

/** `nurse-station-<id>`, with characters Kafka group ids would trip over replaced */
export function stationGroupId(stationId: string): string {
  return `nurse-station-${stationId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export function createKafkaAlertFeed(opts: KafkaAlertFeedOptions): KafkaAlertFeed {
  const clock = opts.clock ?? systemClock;
  const staleAfterMs = opts.staleAfterMs ?? 3_000;
  const log = opts.log ?? (() => undefined);
  const stats: KafkaAlertFeedStats = {
    delivered: 0,
    tombstones: 0,
    undecodable: 0,
    refused: 0,
    lastError: null,
  };
  const gate = createIdentifierGate({
    rule: opts.identifiers,
    source: 'Kafka alert push',
    log,
    now: () => clock.now(),
  });
  const liveListeners = new Set<(live: boolean) => void>();

  let consumer: Consumer | null = null;
  let running = false;
  let lastFetchAt: number | null = null;
  let joined = false;
  let wasLive = false;
  let watchdog: unknown = null;
  let restartTimer: unknown = null;
  /** reconnect()'s check that fetches come back after a wake */
  let probeTimer: unknown = null;
  let problem: string | null = 'Not connected to Kafka yet';
  /** serializes start attempts and stop() */
  let lifecycle: Promise<void> = Promise.resolve();

  const kafka = new Kafka({
    clientId: `nurse-station-${opts.stationId}`,
    brokers: opts.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Quick retries: the station falls back to polling meanwhile, so a long retry ladder only delays
    // the return to the push path.
    retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 5 },
    logCreator: quietLogCreator({ sink: (level, m) => level === 'error' && log(`kafka: ${m}`) }),
  });

  function isLive(): boolean {
    return running && joined && lastFetchAt !== null && clock.monotonic() - lastFetchAt < staleAfterMs;
  }

  function checkLive(): void {
    const now = isLive();
    if (now === wasLive) return;
    wasLive = now;
    if (!now && running && problem === null) {
      problem = `No answer from Kafka (${opts.brokers.join(', ')}) for ${Math.round(staleAfterMs / 1000)} s`;
    }
    if (now) problem = null;
    for (const l of [...liveListeners]) {
      try {
        l(now);
      } catch (err) {
        log(`a live listener threw: ${(err as Error).message}`);
      }
    }
  }

  function armWatchdog(): void {
    if (!running) return;
    watchdog = clock.setTimeout(() => {
      watchdog = null;
      checkLive();
      armWatchdog();
    }, 500);
  }

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale()) return;
    const alerts: Alert[] = [];
    for (const message of batch.messages) {
      const decoded = decodeAlertSinkMessage(message.key, message.value, clock.now(), gate.rule);
      if (decoded.kind === 'alert') alerts.push(decoded.alert);
      else if (decoded.kind === 'tombstone') stats.tombstones++;
      else if (decoded.kind === 'refused') {
        // counted once per alert with the poll's refusals of it; logged rate-limited, never the id
        stats.refused++;
        gate.screen({
          what: 'alert',
          key: `alert:${decoded.alertId}`,
          patientId: decoded.patientId,
          deviceId: decoded.deviceId,
          deviceOptional: true,
        });
      } else {
        stats.undecodable++;
        stats.lastError = decoded.reason;
        log(
          `skipped an undecodable alert message at ${batch.partition}/${message.offset}: ${decoded.reason}`,
        );
      }
    }
    if (alerts.length > 0) await opts.deliver(alerts);
    stats.delivered += alerts.length;
    const last = batch.messages[batch.messages.length - 1];
    if (!last) return;
    // The committed offset is the next one to read.
    await payload.commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }],
        },
      ],
    });
    payload.resolveOffset(last.offset);
    await heartbeat();
  }

  const groupId = opts.groupId ?? stationGroupId(opts.stationId);

  /**
   * A station's first start (its group has no committed offset): begin `startLookbackMs` back, not at
   * the topic's end. Starting at the end lost the alerts written while a new station, killed before
   * it ever committed, was down; starting at the beginning would read the topic's whole retention.
   */
  async function placeNewGroup(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [opts.topic] });
      const partitions = entry?.partitions ?? [];
      if (partitions.some((p) => p.offset !== '-1')) return;
      const since = clock.now() - (opts.startLookbackMs ?? 10 * 60_000);
      const [byTime, latest] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(opts.topic, since),
        admin.fetchTopicOffsets(opts.topic),
      ]);
      const high = new Map(latest.map((p) => [p.partition, p.high]));
      await admin.setOffsets({
        groupId,
        topic: opts.topic,
        // -1: no message that recent in the partition, so start at its end
        partitions: byTime.map((p) => ({
          partition: p.partition,
          offset: p.offset === '-1' ? (high.get(p.partition) ?? '0') : p.offset,
        })),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async function connect(): Promise<void> {
    await placeNewGroup();
    const c = kafka.consumer({
      groupId,
      maxWaitTimeInMs: opts.maxWaitTimeInMs ?? 250,
      // The broker's minimum: a killed station's partitions are reassigned to its restart this soon.
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 5 },
    });
    consumer = c;
    c.on(c.events.GROUP_JOIN, () => {
      joined = true;
    });
    c.on(c.events.FETCH, () => {
      lastFetchAt = clock.monotonic();
      checkLive();
    });
    c.on(c.events.CRASH, (e) => {
      joined = false;
      const message = (e.payload.error as Error | undefined)?.message ?? 'the consumer stopped';
      problem = `Kafka alert feed stopped: ${message}`;
      stats.lastError = message;
      checkLive();
      // kafkajs restarts on retriable errors itself; when it gives up, so do we — then try again.
      if (!e.payload.restart) scheduleRestart();
    });
    c.on(c.events.DISCONNECT, () => {
      joined = false;
      checkLive();
    });
    await c.connect();
    // fromBeginning applies only to a group without offsets, which placeNewGroup() has just given some.
    await c.subscribe({ topics: [opts.topic], fromBeginning: false });
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: handleBatch,
    });
  }

  function restartNow(): void {
    lifecycle = lifecycle.then(async () => {
      if (!running) return;
      await disconnect();
      await attempt();
    });
  }

  function scheduleRestart(): void {
    if (!running || restartTimer !== null) return;
    restartTimer = clock.setTimeout(() => {
      restartTimer = null;
      restartNow();
    }, opts.restartDelayMs ?? 2_000);
  }

  async function attempt(): Promise<void> {
    try {
      await connect();
    } catch (err) {
      const message = (err as Error).message;
      problem = `Cannot reach Kafka at ${opts.brokers.join(', ')}: ${message}`;
      stats.lastError = message;
      log(problem);
      checkLive();
      scheduleRestart();
    }
  }

  async function disconnect(): Promise<void> {
    const c = consumer;
    consumer = null;
    joined = false;
    lastFetchAt = null;
    if (c) await c.disconnect().catch(() => undefined);
  }

  return {
    start() {
      if (running) return;
      running = true;
      problem = 'Connecting to Kafka';
      armWatchdog();
      lifecycle = lifecycle.then(attempt);
    },
    async stop() {
      running = false;
      if (watchdog !== null) clock.clearTimeout(watchdog);
      if (restartTimer !== null) clock.clearTimeout(restartTimer);
      if (probeTimer !== null) clock.clearTimeout(probeTimer);
      watchdog = null;
      restartTimer = null;
      probeTimer = null;
      lifecycle = lifecycle.then(disconnect);
      await lifecycle;
      checkLive();
    },
    reconnect() {
      if (!running) return;
      if (restartTimer !== null) {
        clock.clearTimeout(restartTimer);
        restartTimer = null;
        restartNow();
        return;
      }
      if (probeTimer !== null || consumer === null || !joined) return;
      const since = clock.monotonic();
      probeTimer = clock.setTimeout(() => {
        probeTimer = null;
        if (!running || (lastFetchAt !== null && lastFetchAt > since)) return;
        problem = `No answer from Kafka (${opts.brokers.join(', ')}) since the station woke up; reconnecting`;
        log(problem);
        restartNow();
      }, staleAfterMs);
    },
    live: isLive,
    problem: () => (isLive() ? null : problem),
    stats: () => ({ ...stats }),
    onLiveChange(listener) {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },
  };
}
