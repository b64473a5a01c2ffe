// `npm run backend:setup`: creates the Kafka topic, the MySQL database and tables, and RisingWave's
// source, views and sink. Idempotent; one line per step; exit code 0 ok, 1 a step failed, 2 bad usage.
import { pathToFileURL } from 'node:url';
import { HELP, resolveSetupConfig, UsageError, type SetupConfig, type StepName } from './setup-config';
import { runKafkaStep, runMysqlStep, runRisingWaveStep, type StepOutcome } from './setup-steps';

export interface SetupIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const runners: Record<StepName, (cfg: SetupConfig) => Promise<StepOutcome>> = {
  kafka: (cfg) => runKafkaStep(cfg.kafka),
  mysql: (cfg) => runMysqlStep(cfg.mysql),
  risingwave: (cfg) => runRisingWaveStep(cfg.risingwave),
};

/** Runs the chosen steps in order, stopping at the first failure (later steps depend on earlier ones). */
export async function runSetup(config: SetupConfig, io: SetupIo): Promise<number> {
  for (const [i, step] of config.steps.entries()) {
    const outcome = await runners[step](config);
    (outcome.ok ? io.out : io.err)(outcome.line);
    if (!outcome.ok) {
      const rest = config.steps.slice(i + 1);
      if (rest.length > 0)
        io.err(`skipped: ${rest.join(', ')} (they need the step above; fix it and run again)`);
      return 1;
    }
  }
  return 0;
}

export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  io: SetupIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
): Promise<number> {
  let parsed;
  try {
    parsed = resolveSetupConfig(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`backend:setup: ${err.message}`);
      io.err('Run with --help for the options.');
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    io.out(HELP);
    return 0;
  }
  return runSetup(parsed.config, io);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`backend:setup: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
