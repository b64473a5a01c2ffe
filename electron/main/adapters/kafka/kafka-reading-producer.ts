// Publishes readings to Kafka exactly as the demo's bedside devices do: key = patient_id (one patient's
// readings stay in order on one partition), value = the demo's JSON. Non-blocking: readings are queued
// and sent in batches by one background loop that outlives broker restarts. Nothing here throws into
// the caller after start(); failures become counts and a status line.
import { Kafka, logLevel, Partitioners, type Producer, type RetryOptions } from 'kafkajs';
import type { Reading } from '../../../../shared/domain/types';
import { toDemoJson } from '../../../../shared/engine/parse-reading';
import { quietLogCreator, type KafkaLogSink } from './quiet-log-creator';

export interface KafkaReadingProducerOptions {
  /** host:port list */
  brokers: string[];
  topic: string;
  /** IANA zone of measure_time in the messages (the demo writes ward-local time without offset) */
  timeZone: string;
  clientId?: string;
  /** messages per produce request, default 500 */
  batchSize?: number;
  /** how long a partial batch waits for company, default 20 ms */
  lingerMs?: number;
  /** messages held while the broker is away; beyond this the oldest are dropped as failed, default 200,000 */
  maxQueued?: number;
  /** a message not delivered within this long after publish() is given up as failed, default 120 s */
  deliveryTimeoutMs?: number;
  /** kafkajs retry policy of each request (before this producer's own re-send loop) */
  retry?: RetryOptions;
  connectionTimeoutMs?: number;
  /** longest wait between re-send attempts while the broker is away, default 5 s */
  maxBackoffMs?: number;
  /** kafkajs' own log, filtered and de-duplicated; default: dropped */
  log?: KafkaLogSink;
  /** called when connected/lastError change */
  onStatus?: (stats: ProducerStats) => void;
  /** monotonic ms for the delivery timeout (default performance.now: a wall-clock step must not expire or keep readings) */
  now?: () => number;
  /** tests only: a stand-in for the kafkajs producer */
  producer?: ProducerLike;
}

/** The part of the kafkajs producer used here. */
export type ProducerLike = Pick<Producer, 'connect' | 'disconnect' | 'send' | 'on' | 'events'>;

export interface ProducerStats {
  /** messages accepted by publish() */
  published: number;
  /** acknowledged by the broker (acks=all) */
  delivered: number;
  /** given up: delivery timeout, queue overflow, or still queued at close() */
  failed: number;
  /** waiting to be sent, including the batch in flight */
  queued: number;
  connected: boolean;
  /** last error, short and without stack; null once a send succeeds again */
  lastError: string | null;
}

interface Pending {
  key: string | null;
  value: string;
  at: number;
}

const FIRST_BACKOFF_MS = 250;
const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 };

/** A short, one-line description of a kafkajs error (no stack, no nested causes). */
export function describeKafkaError(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & { cause?: unknown; originalError?: unknown };
    const inner = e.originalError ?? e.cause;
    const base = `${e.name === 'Error' ? '' : e.name + ': '}${e.message}`;
    return inner instanceof Error && !base.includes(inner.message) ? `${base} (${inner.message})` : base;
  }
  return String(err);
}

export class KafkaReadingProducer {
  private readonly producer: ProducerLike;
  private readonly opts: Required<
    Pick<
      KafkaReadingProducerOptions,
      'batchSize' | 'lingerMs' | 'maxQueued' | 'deliveryTimeoutMs' | 'maxBackoffMs'
    >
  >;
  private readonly now: () => number;
  /** waiting to be sent, oldest first, from `head` on */
  private queue: Pending[] = [];
  private head = 0;
  /** the batch being sent: not in `queue`, so overflow and expiry never touch it */
  private inFlight: Pending[] = [];
  private pumpDone: Promise<void> | null = null;
  private published = 0;
  private delivered = 0;
  private failed = 0;
  private connected = false;
  private lastError: string | null = null;
  private pumping = false;
  private closing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private backoff = FIRST_BACKOFF_MS;
  private sleeper: { timer: ReturnType<typeof setTimeout>; wake: () => void } | null = null;
  private idleWaiters: (() => void)[] = [];
  private capacityWaiters: { below: number; resolve: () => void }[] = [];

  constructor(private readonly config: KafkaReadingProducerOptions) {
    if (config.brokers.length === 0) throw new Error('no Kafka brokers given');
    if (!config.topic) throw new Error('no Kafka topic given');
    this.opts = {
      batchSize: config.batchSize ?? 500,
      lingerMs: config.lingerMs ?? 20,
      maxQueued: config.maxQueued ?? 200_000,
      deliveryTimeoutMs: config.deliveryTimeoutMs ?? 120_000,
      maxBackoffMs: config.maxBackoffMs ?? 5_000,
    };
    this.now = config.now ?? (() => performance.now());
    const retry = config.retry ?? DEFAULT_RETRY;
    this.producer =
      config.producer ??
      new Kafka({
        clientId: config.clientId ?? 'nurse-station-simulator',
        brokers: config.brokers,
        connectionTimeout: config.connectionTimeoutMs ?? 3_000,
        retry,
        logLevel: logLevel.WARN,
        logCreator: quietLogCreator(config.log ? { sink: config.log } : {}),
      }).producer({
        // murmur2, like the Java client, so keys land where other Kafka tools expect them
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
        retry,
      });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      if (!this.connected) return;
      this.connected = false;
      this.report();
    });
  }

  /** Connects once; rejects with a one-line message if the broker cannot be reached at all. */
  async start(): Promise<void> {
    try {
      await this.producer.connect();
      this.connected = true;
      this.lastError = null;
      this.report();
    } catch (err) {
      this.lastError = describeKafkaError(err);
      this.report();
      throw new Error(`cannot connect to Kafka at ${this.config.brokers.join(',')}: ${this.lastError}`);
    }
  }

  publish(readings: readonly Reading[]): void {
    for (const r of readings) this.enqueue(r.patientId, toDemoJson(r, this.config.timeZone));
  }

  /** A message as-is (e.g. a faulty device's garbage), for testing what consumers do with it. */
  publishRaw(key: string | null, value: string): void {
    this.enqueue(key, value);
  }

  stats(): ProducerStats {
    return {
      published: this.published,
      delivered: this.delivered,
      failed: this.failed,
      queued: this.queued(),
      connected: this.connected,
      lastError: this.lastError,
    };
  }

  /** Resolves once fewer than `below` messages are queued: backpressure for producers faster than Kafka. */
  whenBelow(below: number): Promise<void> {
    if (this.queued() < below || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push({ below, resolve }));
  }

  /** Resolves when everything published so far is delivered or failed. */
  flush(): Promise<void> {
    if (this.queued() === 0 && !this.pumping) return Promise.resolve();
    this.kick(true);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes for at most `timeoutMs`, counts what is left as failed, disconnects. Never throws. */
  async close(timeoutMs = 10_000): Promise<ProducerStats> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wakeSleeper();
    const left = this.queue.length - this.head; // a batch in flight is counted by the pump
    if (left > 0) {
      this.failed += left;
      this.queue = [];
      this.head = 0;
    }
    // disconnecting ends a send still in flight; the pump then counts that batch and stops
    await this.producer.disconnect().catch(() => undefined);
    await this.pumpDone;
    this.connected = false;
    this.notifyWaiters();
    return this.stats();
  }

  private queued(): number {
    return this.queue.length - this.head + this.inFlight.length;
  }

  private enqueue(key: string | null, value: string): void {
    if (this.closing) {
      this.published++;
      this.failed++;
      return;
    }
    this.queue.push({ key, value, at: this.now() });
    this.published++;
    const overflow = Math.min(this.queued() - this.opts.maxQueued, this.queue.length - this.head);
    if (overflow > 0) {
      // the oldest readings are the least useful to a ward: drop them first
      this.head += overflow;
      this.failed += overflow;
      this.compact();
    }
    this.kick(this.queue.length - this.head >= this.opts.batchSize);
  }

  private kick(now: boolean): void {
    if (this.pumping || this.closing) return;
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.startPump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startPump();
      }, this.opts.lingerMs);
    }
  }

  private startPump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.pumpDone = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > this.head && !this.closing) {
        this.expire();
        if (this.queue.length === this.head) break;
        if (!this.connected) {
          try {
            await this.producer.connect();
            this.connected = true;
            this.report();
          } catch (err) {
            await this.failedAttempt(err);
            continue;
          }
        }
        const batch = this.queue.slice(this.head, this.head + this.opts.batchSize);
        this.head += batch.length;
        this.compact();
        this.inFlight = batch;
        try {
          await this.producer.send({
            topic: this.config.topic,
            acks: -1,
            messages: batch.map((m) => ({ key: m.key, value: m.value })),
          });
          this.inFlight = [];
          this.delivered += batch.length;
          this.backoff = FIRST_BACKOFF_MS;
          if (this.lastError !== null) {
            this.lastError = null;
            this.report();
          }
          this.notifyWaiters();
        } catch (err) {
          this.inFlight = [];
          if (this.closing) {
            this.failed += batch.length;
            break;
          }
          // back to the front of the queue, to be sent first (and expire first)
          this.queue = batch.concat(this.queue.slice(this.head));
          this.head = 0;
          // kafkajs has already retried this request; after a broker restart its connections can be stale,
          // so start over with a fresh connection
          await this.producer.disconnect().catch(() => undefined);
          this.connected = false;
          await this.failedAttempt(err);
        }
      }
    } finally {
      this.pumping = false;
      this.notifyWaiters();
    }
  }

  private async failedAttempt(err: unknown): Promise<void> {
    this.lastError = describeKafkaError(err);
    this.report();
    if (this.closing) return;
    await this.sleep(this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleeper = null;
        resolve();
      };
      this.sleeper = { timer: setTimeout(wake, ms), wake };
    });
  }

  private wakeSleeper(): void {
    if (!this.sleeper) return;
    clearTimeout(this.sleeper.timer);
    this.sleeper.wake();
  }

  /** Gives up on messages older than the delivery timeout. */
  private expire(): void {
    const limit = this.now() - this.opts.deliveryTimeoutMs;
    let n = 0;
    while (this.head + n < this.queue.length && this.queue[this.head + n]!.at < limit) n++;
    if (n > 0) {
      this.head += n;
      this.failed += n;
      this.compact();
      this.notifyWaiters();
    }
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 10_000 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private notifyWaiters(): void {
    const queued = this.queued();
    if (this.capacityWaiters.length > 0) {
      const still: typeof this.capacityWaiters = [];
      for (const w of this.capacityWaiters) {
        if (queued < w.below || this.closing) w.resolve();
        else still.push(w);
      }
      this.capacityWaiters = still;
    }
    if (queued === 0 && !this.pumping && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private report(): void {
    try {
      this.config.onStatus?.(this.stats());
    } catch {
      // a listener's bug must not stop delivery
    }
  }
}
