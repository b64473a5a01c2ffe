// A Kafka broker of the test's own (KRaft, one node) on free ports with a temp data dir, started and
// stopped by pid from the test. It reuses the jars scripts/kafka.sh fetched into .cache/kafka/libs; the
// shared broker on 9092 is never touched.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureKafka } from './kafka';
import { freePorts, portAnswers, terminate, track, waitFor, which } from './private-servers';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KAFKA_LIBS = path.join(ROOT, '.cache', 'kafka', 'libs');

export interface PrivateKafkaBroker {
  readonly bootstrap: string;
  readonly port: number;
  readonly dir: string;
  pid(): number | null;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM (a controlled shutdown), SIGKILL after 30 s */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

async function fetchKafkaJars(): Promise<void> {
  await run('bash', [path.join(ROOT, 'scripts/kafka.sh'), 'fetch'], { cwd: ROOT, timeout: 240_000 });
}

/** Java and the jars, fetching the jars through scripts/kafka.sh if they are not there yet. */
export async function kafkaAvailable(): Promise<boolean> {
  if (!which('java')) return false;
  if (!existsSync(KAFKA_LIBS)) await ensureKafka(); // fetches the jars (and starts the shared broker)
  // A broker that was already running (another checkout's) means start fetched nothing here.
  if (!existsSync(KAFKA_LIBS)) await fetchKafkaJars();
  return existsSync(KAFKA_LIBS);
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export async function startPrivateKafka(): Promise<PrivateKafkaBroker | null> {
  if (!(await kafkaAvailable())) return null;
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const dir = mkdtempSync(path.join(tmpdir(), 'ns-kafka-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const config = path.join(dir, 'server.properties');
  const log4j = path.join(dir, 'log4j2.properties');
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${data}`,
      'num.partitions=1',
      'auto.create.topics.enable=true',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.num.partitions=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      // a restart must not wait for the old session to time out
      'controlled.shutdown.enable=true',
      '',
    ].join('\n'),
  );
  writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = warn',
      'rootLogger.appenderRef.out.ref = STDOUT',
      '',
    ].join('\n'),
  );
  const classpath = `${KAFKA_LIBS}/*`;
  const jvm = [
    '-Xms128m',
    '-Xmx384m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
  ];
  await run(
    'java',
    [
      ...jvm,
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(),
      '--config',
      config,
    ],
    { timeout: 60_000 },
  );

  let child: ChildProcess | null = null;
  const logFile = path.join(dir, 'server.log');
  const broker: PrivateKafkaBroker = {
    bootstrap: `127.0.0.1:${port}`,
    port,
    dir,
    pid: () => child?.pid ?? null,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      if (broker.running()) return;
      const out = openSync(logFile, 'a');
      const c = spawn(
        'java',
        [...jvm, `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath, 'kafka.Kafka', config],
        {
          stdio: ['ignore', out, out],
        },
      );
      closeSync(out);
      track(c);
      child = c;
      let died = false;
      c.once('exit', () => (died = true));
      await waitFor(
        `Kafka on port ${port}`,
        async () => {
          if (died) throw new Error(`the private Kafka broker exited during start-up (see ${logFile})`);
          return portAnswers(port);
        },
        90_000,
        200,
      );
    },
    async stop() {
      if (child) await terminate(child, 30_000);
      child = null;
    },
    async destroy() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await broker.start();
  } catch (err) {
    await broker.destroy();
    throw err;
  }
  return broker;
}
