// `nurse-station burden FILE|-` (issue #14): the alarm burden of a set of readings — alerts, episodes
// and notifications per bed per day — through the same parser, engine, episode rule and annunciation
// delays as the station. Deterministic, like `replay`: time is the readings' own.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Alert, AlertType, Reading } from '../../../shared/domain/types';
import { AlertEngine } from '../../../shared/engine/alert-engine';
import { Annunciator, type Annunciation } from '../../../shared/engine/annunciation';
import { EPISODE_CLOSE_AFTER_MS, EpisodeTracker, type EpisodeChange } from '../../../shared/engine/episodes';
import { bloodGlucoseAbnormal, bloodOxygenAbnormal, heartRateAbnormal } from '../../../shared/engine/rules';
import { CliError, intOption, parseOrExplain, timeZoneOption, writeOut, type CliIo } from './cli-io';
import { runReadings } from './replay';

export const BURDEN_HELP = `Usage: nurse-station burden [options] FILE|-

Reads vital-sign readings as JSON lines (as 'replay' does) and prints the alarm burden they
give a ward: alerts (the demo's 30-s alerts), episodes (one per alarm condition: consecutive
alerts of a patient and vital), notifications (episodes still abnormal after their
annunciation delay), per bed per day and in all, and the longest a level-2 or signal-loss
notification was held.

Options:
  --time-zone ZONE        ward time zone of measure_time values without an offset
  --signal-loss-ms MS     silence that raises signal_loss (default 30000)
  --close-after-s S       normal time that closes an episode (default 30)
  --spo2-delay-s S        annunciation delay of SpO2 (default 15)
  --delay-s S             annunciation delay of heart rate and glucose (default 0)
  --json                  one JSON object instead of text
  -h, --help              show this help
`;

export interface BurdenReport {
  beds: number;
  /** from the first to the last reading */
  spanMs: number;
  readings: number;
  rejected: number;
  alerts: number;
  episodes: number;
  notifications: number;
  suppressed: number;
  perBedPerDay: { alerts: number; episodes: number; notifications: number } | null;
  /** the longest a level-2, trend or signal-loss episode waited for its notification, ms */
  longestUrgentHoldMs: number;
}

function abnormalVitals(r: Reading, engine: AlertEngine): Set<AlertType> {
  const l = engine.thresholdsFor(r.patientId);
  const out = new Set<AlertType>();
  if (heartRateAbnormal(r.heartRate, l)) out.add('heart_rate');
  if (bloodOxygenAbnormal(r.bloodOxygen, l)) out.add('blood_oxygen');
  if (bloodGlucoseAbnormal(r.bloodGlucose, l)) out.add('blood_glucose');
  return out;
}

/** The burden of `lines`; exported for the bench and the tests. */
export async function measureBurden(
  lines: AsyncIterable<string>,
  opts: {
    timeZone: string;
    signalLossMs: number;
    closeAfterMs: number;
    spo2DelayMs: number;
    delayMs: number;
  },
): Promise<BurdenReport> {
  const engine = new AlertEngine({ signalLossMs: opts.signalLossMs });
  const episodes = new EpisodeTracker({
    closeAfterMs: opts.closeAfterMs,
    limitsOf: (p) => engine.thresholdsFor(p),
  });
  const annunciator = new Annunciator({
    delayMs: (type) =>
      type === 'blood_oxygen'
        ? opts.spo2DelayMs
        : type === 'heart_rate' || type === 'blood_glucose'
          ? opts.delayMs
          : 0,
  });
  const beds = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  const r: BurdenReport = {
    beds: 0,
    spanMs: 0,
    readings: 0,
    rejected: 0,
    alerts: 0,
    episodes: 0,
    notifications: 0,
    suppressed: 0,
    perBedPerDay: null,
    longestUrgentHoldMs: 0,
  };
  const urgent = new Set<string>();
  const count = (a: Annunciation[]) => {
    for (const x of a) {
      if (x.kind === 'suppressed') r.suppressed++;
      else {
        r.notifications++;
        if (urgent.has(x.episodeId)) r.longestUrgentHoldMs = Math.max(r.longestUrgentHoldMs, x.heldMs);
      }
    }
  };
  const onChanges = (changes: EpisodeChange[], now: number) => {
    for (const c of changes) {
      const ep = c.episode;
      if (
        ep.maxLevel >= 2 ||
        ep.alertType === 'signal_loss' ||
        ep.alertType === 'multi_vital_signs_deterioration'
      ) {
        urgent.add(ep.episodeId);
      }
      if (c.kind === 'opened') {
        r.episodes++;
        count(annunciator.opened(ep, now));
      } else if (c.kind === 'closed') count(annunciator.closed(ep, now));
      else count(annunciator.worsened(ep, now));
    }
  };
  const onAlerts = (alerts: Alert[], now: number) => {
    for (const a of alerts) {
      r.alerts++;
      onChanges(episodes.addAlert(a), now);
    }
  };
  for await (const step of runReadings(lines, engine, opts)) {
    if (step.kind === 'rejected') r.rejected++;
    else if (step.kind === 'tick') {
      onAlerts(step.alerts, step.at);
      count(annunciator.tick(step.at));
      onChanges(episodes.advance(step.at), step.at);
    } else if (step.kind === 'reading') {
      const t = step.reading.measureTime;
      r.readings++;
      beds.add(step.reading.patientId);
      first = Math.min(first, t);
      last = Math.max(last, t);
      onAlerts(step.alerts, t);
      count(annunciator.reading(step.reading.patientId, t, abnormalVitals(step.reading, engine)));
    }
  }
  r.beds = beds.size;
  r.spanMs = r.readings > 0 ? last - first : 0;
  const bedDays = (r.beds * r.spanMs) / 86_400_000;
  if (bedDays > 0) {
    const per = (n: number) => Math.round((n / bedDays) * 10) / 10;
    r.perBedPerDay = {
      alerts: per(r.alerts),
      episodes: per(r.episodes),
      notifications: per(r.notifications),
    };
  }
  return r;
}

function text(r: BurdenReport): string {
  const hours = (r.spanMs / 3_600_000).toFixed(1);
  const per = r.perBedPerDay;
  return (
    `${r.beds} beds over ${hours} h: ${r.readings} readings (${r.rejected} rejected)\n` +
    `alerts         ${String(r.alerts).padStart(8)}   per bed per day ${per ? per.alerts : '—'}\n` +
    `episodes       ${String(r.episodes).padStart(8)}   per bed per day ${per ? per.episodes : '—'}\n` +
    `notifications  ${String(r.notifications).padStart(8)}   per bed per day ${per ? per.notifications : '—'}` +
    `   (${r.suppressed} held and not needed)\n` +
    `longest hold of a level-2 or signal-loss notification: ${(r.longestUrgentHoldMs / 1000).toFixed(1)} s\n` +
    (r.spanMs < 3_600_000
      ? 'note: less than an hour of readings; the per-day figures are extrapolated\n'
      : '')
  );
}

export async function burdenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrExplain('burden', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        'time-zone': { type: 'string' },
        'signal-loss-ms': { type: 'string' },
        'close-after-s': { type: 'string' },
        'spo2-delay-s': { type: 'string' },
        'delay-s': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(BURDEN_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new CliError('burden: give exactly one FILE, or - for stdin (see --help)');
  const file = positionals[0]!;
  const opts = {
    timeZone: timeZoneOption('burden', values['time-zone'], io),
    signalLossMs: intOption('burden', 'signal-loss-ms', values['signal-loss-ms'], 30_000, 1, 86_400_000),
    closeAfterMs:
      intOption('burden', 'close-after-s', values['close-after-s'], EPISODE_CLOSE_AFTER_MS / 1000, 0, 3600) *
      1000,
    spo2DelayMs: intOption('burden', 'spo2-delay-s', values['spo2-delay-s'], 15, 0, 600) * 1000,
    delayMs: intOption('burden', 'delay-s', values['delay-s'], 0, 0, 600) * 1000,
  };
  let input: NodeJS.ReadableStream = io.stdin;
  if (file !== '-') {
    const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(
        `burden: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      );
    });
    if (st.isDirectory()) throw new CliError(`burden: cannot read ${file}: it is a directory`);
    input = createReadStream(file, { encoding: 'utf8' });
  }
  const report = await measureBurden(createInterface({ input, crlfDelay: Infinity }), opts);
  await writeOut(io.stdout, values.json ? JSON.stringify(report) + '\n' : text(report));
  return 0;
}
