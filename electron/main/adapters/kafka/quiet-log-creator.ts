// kafkajs logs every retry of every request at ERROR, which floods a terminal while a broker restarts.
// This routes its log through one sink, drops everything below `minLevel`, and lets a repeated message
// through at most once per `repeatMs`.
import { logLevel, type logCreator } from 'kafkajs';

export type KafkaLogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

export interface QuietLogOptions {
  /** where kept entries go; default: nowhere */
  sink?: KafkaLogSink;
  /** default WARN */
  minLevel?: logLevel;
  /** default 30 s */
  repeatMs?: number;
  /** monotonic ms (default performance.now) */
  now?: () => number;
}

const NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function quietLogCreator(opts: QuietLogOptions = {}): logCreator {
  const minLevel = opts.minLevel ?? logLevel.WARN;
  const repeatMs = opts.repeatMs ?? 30_000;
  const now = opts.now ?? (() => performance.now());
  const lastSeen = new Map<string, number>();
  return () =>
    ({ namespace, level, log }) => {
      const sink = opts.sink;
      if (!sink || level === logLevel.NOTHING || level > minLevel) return;
      // the message without broker/host details is the repetition key: "Connection error" x 1000 is one line
      const message = `${namespace}: ${log.message}`;
      const t = now();
      const last = lastSeen.get(message);
      if (last !== undefined && t - last < repeatMs) return;
      if (lastSeen.size > 500) lastSeen.clear();
      lastSeen.set(message, t);
      sink(NAMES[level] ?? 'info', message);
    };
}
