// Runs one benchmark case in its own process (spawned by bench/run.ts), so no case inherits another's
// heap, JIT state or open handles, and the memory case sees only its own RSS. Writes the CaseResult as
// JSON to the --out file.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CASES } from './cases';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { quick: { type: 'boolean' }, out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0];
  const benchCase = CASES.find((c) => c.name === name);
  if (!benchCase || !values.out) throw new Error(`usage: child.ts <case> --out FILE [--quick]`);
  const log = (m: string) => process.stderr.write(`  [${name}] ${m}\n`);
  const result = await benchCase.run({ quick: values.quick === true, log });
  writeFileSync(values.out, JSON.stringify(result, null, 2));
}

main().then(
  // Some clients (kafkajs, pools) keep timers alive for a while; the result is written, so leave.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench case failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
