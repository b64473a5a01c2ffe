// `nurse-station simulate`: the ward simulator as a stream of device messages, to stdout (JSON lines)
// or into Kafka like real bedside devices (key = patient_id, value = the demo's JSON).
import { parseArgs } from 'node:util';
import { toDemoJson } from '../../../shared/engine/parse-reading';
import {
  createWardSimulator,
  SIM_LIMITS,
  type SimEvent,
  type WardSimulator,
} from '../../../shared/simulator/ward-simulator';
import { KafkaReadingProducer, type ProducerStats } from '../adapters/kafka/kafka-reading-producer';
import {
  CliError,
  intOption,
  numberOption,
  parseOrExplain,
  timeZoneOption,
  writeOut,
  type CliIo,
} from './cli-io';

export const SIMULATE_HELP = `Usage: nurse-station simulate [options]

Simulates a ward of bedside devices and writes their messages as JSON lines, exactly as the
demo's devices send them, to stdout, or to Kafka with --brokers. Beds P001, P002, ... each
have their own baseline and noise; by default some beds have recurring episodes (glucose
spikes, tachycardia, desaturation, a level-2 deterioration, signal loss) and one device
(D009) sends a malformed message now and then. The same --seed and --start give the same
messages.

Options:
  --beds N              number of beds (default 12)
  --seed N              random seed (default 1)
  --rate R              readings per second per bed (default 1)
  --duration S          seconds of simulated time (default: until interrupted)
  --speed X|max         simulated seconds per real second (default 1); max = as fast as
                        the output takes them
  --start TIME          simulated start, ISO-8601 (default: now)
  --scenarios default|none
                        recurring episodes and the faulty device, or every bed normal
  --time-zone ZONE      ward time zone of measure_time (default: the system zone)
  --brokers LIST        Kafka bootstrap servers, host:port[,host:port...]; without it,
                        messages go to stdout
  --topic NAME          Kafka topic (default vital_signs)
  -h, --help            show this help

Ctrl-C stops cleanly: pending Kafka messages are flushed (up to 10 s) and a summary is
printed to stderr (readings produced, delivered and failed; garbage lines).
Exit status: 0 on success or interruption, 1 when Kafka cannot be reached at the start,
2 on wrong options.
`;

const MAX_DURATION_S = 10 * 365 * 86_400;
/** Kafka backlog above which a max-speed run waits for the broker. */
const KAFKA_HIGH_WATER = 20_000;
/** Real-time pacing: how often simulated time is advanced. */
const TICK_MS = 100;

interface SimulateOptions {
  beds: number;
  seed: number;
  rateHz: number;
  durationMs: number | null;
  speed: number | 'max';
  startTime: number;
  scenarios: 'default' | 'none';
  timeZone: string;
  brokers: string[] | null;
  topic: string;
}

function parseOptions(args: string[], io: CliIo): SimulateOptions | 'help' {
  const { values, positionals } = parseOrExplain('simulate', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        beds: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        speed: { type: 'string' },
        start: { type: 'string' },
        scenarios: { type: 'string' },
        'time-zone': { type: 'string' },
        brokers: { type: 'string' },
        topic: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw new CliError(`simulate: unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  const cmd = 'simulate';
  const speedRaw = values.speed?.trim();
  const speed = speedRaw === 'max' ? 'max' : numberOption(cmd, 'speed', speedRaw, 1, 0, 1_000_000);
  let startTime = Math.floor(io.now() / 1000) * 1000;
  if (values.start !== undefined) {
    // an offset or Z is required: a bare local time would silently depend on the machine's zone
    const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(
      values.start.trim(),
    );
    startTime = ok ? Date.parse(values.start.trim()) : NaN;
    if (!Number.isFinite(startTime)) {
      throw new CliError(
        `simulate: --start must be ISO-8601 with an offset, e.g. 2026-11-20T08:00:00Z (got ${JSON.stringify(values.start)})`,
      );
    }
  }
  const scenarios = values.scenarios ?? 'default';
  if (scenarios !== 'default' && scenarios !== 'none') {
    throw new CliError(`simulate: --scenarios must be default or none (got ${JSON.stringify(scenarios)})`);
  }
  let brokers: string[] | null = null;
  if (values.brokers !== undefined) {
    brokers = values.brokers
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    const bad = brokers.find((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/.test(b));
    if (brokers.length === 0 || bad !== undefined) {
      throw new CliError(
        `simulate: --brokers must be host:port[,host:port...] (got ${JSON.stringify(bad ?? values.brokers)})`,
      );
    }
  }
  const topic = values.topic ?? 'vital_signs';
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw new CliError(
      `simulate: --topic must be 1-249 letters, digits, . _ or - (got ${JSON.stringify(topic)})`,
    );
  }
  if (values.topic !== undefined && brokers === null) throw new CliError('simulate: --topic needs --brokers');
  const duration =
    values.duration === undefined
      ? null
      : numberOption(cmd, 'duration', values.duration, 0, 0, MAX_DURATION_S);
  return {
    beds: intOption(cmd, 'beds', values.beds, 12, 1, SIM_LIMITS.maxBeds),
    seed: intOption(cmd, 'seed', values.seed, 1, 0, 2 ** 32 - 1),
    rateHz: numberOption(cmd, 'rate', values.rate, 1, 0, SIM_LIMITS.maxRateHz),
    durationMs: duration === null ? null : Math.round(duration * 1000),
    speed,
    startTime,
    scenarios,
    timeZone: timeZoneOption(cmd, values['time-zone'], io),
    brokers,
    topic,
  };
}

/** Where the messages go: stdout or Kafka. */
interface Sink {
  write(events: SimEvent[]): Promise<void> | null;
  /** max speed only: wait until the sink can take more */
  backpressure(): Promise<void> | null;
  close(): Promise<string>;
  broken(): boolean;
}

function stdoutSink(opts: SimulateOptions, io: CliIo): Sink {
  let closed = false;
  const onError = () => {
    closed = true; // e.g. `| head`
  };
  io.stdout.on('error', onError);
  return {
    write(events) {
      if (closed || events.length === 0) return null;
      let chunk = '';
      for (const e of events)
        chunk += (e.kind === 'reading' ? toDemoJson(e.reading, opts.timeZone) : e.raw) + '\n';
      const wait = writeOut(io.stdout, chunk);
      return wait ? wait.catch(onError) : null;
    },
    backpressure: () => null,
    close: async () => {
      io.stdout.off('error', onError);
      return '';
    },
    broken: () => closed,
  };
}

async function kafkaSink(opts: SimulateOptions, brokers: string[], io: CliIo): Promise<Sink> {
  let lastError: string | null = null;
  let started = false;
  const producer = new KafkaReadingProducer({
    brokers,
    topic: opts.topic,
    timeZone: opts.timeZone,
    clientId: 'nurse-station-simulate',
    // kafkajs' own log stays silent: the status lines below say the same once, not once per retry
    onStatus: (s: ProducerStats) => {
      // one line when it goes away, one when it is back: not one per retry
      if (started && s.lastError !== null && lastError === null) {
        io.stderr.write(`simulate: Kafka unavailable, retrying: ${s.lastError}\n`);
      } else if (started && s.lastError === null && lastError !== null) {
        io.stderr.write('simulate: Kafka connection restored\n');
      }
      lastError = s.lastError;
    },
  });
  try {
    await producer.start();
    started = true;
  } catch (err) {
    await producer.close(0);
    throw new CliError(`simulate: ${(err as Error).message}`, 1);
  }
  return {
    write(events) {
      for (const e of events) {
        if (e.kind === 'reading') producer.publish([e.reading]);
        else producer.publishRaw(e.patientId, e.raw);
      }
      return null;
    },
    backpressure: () => producer.whenBelow(KAFKA_HIGH_WATER),
    close: async () => {
      const s = await producer.close(10_000);
      return `; Kafka ${brokers.join(',')} topic ${opts.topic}: ${s.delivered} delivered, ${s.failed} failed`;
    },
    broken: () => false,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const opts = parseOptions(args, io);
  if (opts === 'help') {
    io.stdout.write(SIMULATE_HELP);
    return 0;
  }
  const sim: WardSimulator = createWardSimulator({
    beds: opts.beds,
    seed: opts.seed,
    startTime: opts.startTime,
    rateHz: opts.rateHz,
    scenarios: opts.scenarios,
    timeZone: opts.timeZone,
  });
  const sink = opts.brokers ? await kafkaSink(opts, opts.brokers, io) : stdoutSink(opts, io);
  const end = opts.durationMs === null ? Infinity : opts.startTime + opts.durationMs;
  let readings = 0;
  let garbage = 0;

  const emit = async (until: number) => {
    const events = sim.nextBatch(until);
    for (const e of events) {
      if (e.kind === 'reading') readings++;
      else garbage++;
    }
    const wait = sink.write(events);
    if (wait) await wait;
  };

  const realStart = io.now();
  if (opts.speed === 'max') {
    // Chunks of about 2,000 messages: big enough to be cheap, small enough to stop promptly.
    const chunkMs = Math.min(600_000, Math.max(1000, Math.floor(2000 / (opts.beds * opts.rateHz)) * 1000));
    let t = opts.startTime - 1;
    while (!io.signal.aborted && !sink.broken() && t < end) {
      t = Math.min(end, t + chunkMs);
      await emit(t);
      const wait = sink.backpressure();
      if (wait) await wait;
      // let signals and I/O in between chunks
      await new Promise((r) => setImmediate(r));
    }
  } else {
    const speed = opts.speed;
    while (!io.signal.aborted && !sink.broken() && sim.producedUntil < end) {
      const simNow = Math.min(end, opts.startTime + (io.now() - realStart) * speed);
      await emit(simNow);
      if (simNow >= end) break;
      await sleep(TICK_MS, io.signal);
    }
  }

  const kafka = await sink.close();
  const simulatedS = Math.max(0, sim.producedUntil - opts.startTime + 1) / 1000;
  io.stderr.write(
    `simulate: ${readings} readings and ${garbage} garbage lines from ${opts.beds} beds over ${simulatedS.toFixed(0)} s ` +
      `of simulated time (seed ${opts.seed})${kafka}` +
      (io.signal.aborted ? ' (interrupted)' : '') +
      '\n',
  );
  return 0;
}
