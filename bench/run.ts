// `npm run bench`: the performance benchmarks of docs/performance.md. Not part of the test suite.
//
//   npm run bench                          every case, full sizes (about 25 minutes on 2 cores)
//   npm run bench -- --quick               smaller sizes and shorter runs: a smoke run (a few minutes)
//   npm run bench -- --only engine,ack     some cases only
//   npm run bench -- --cpu-prof            also write a V8 CPU profile per case to bench/results/profiles/
//
// Each case runs in a child process of its own (bench/child.ts). The table goes to stdout; the full
// results go to bench/results/<timestamp>.json and bench/results/latest.json.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES } from './cases';
import { formatTable, type CaseResult, type ResultRow } from './report';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const RESULTS = join(HERE, 'results');

const HELP = `Usage: npm run bench -- [--quick] [--only name,name] [--cpu-prof]

Cases: ${CASES.map((c) => c.name).join(', ')}
`;

function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev}+changes` : rev;
  } catch {
    return 'unknown';
  }
}

function runChild(name: string, quick: boolean, cpuProf: boolean, nodeFlags: string[]): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ns-bench-'));
  const out = join(dir, 'result.json');
  const flags = [...nodeFlags];
  if (cpuProf) {
    const profiles = join(RESULTS, 'profiles');
    mkdirSync(profiles, { recursive: true });
    flags.push(
      '--cpu-prof',
      `--cpu-prof-dir=${profiles}`,
      `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
    );
  }
  const args = [...flags, '--import', 'tsx', join(HERE, 'child.ts'), name, '--out', out];
  if (quick) args.push('--quick');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      try {
        if (code !== 0) throw new Error(`case ${name} exited with ${signal ?? code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as CaseResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const wanted = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  const unknown = (wanted ?? []).filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(', ')}\n${HELP}`);
  const selected = wanted ? CASES.filter((c) => wanted.includes(c.name)) : CASES;
  const quick = values.quick === true;

  const startedAt = new Date();
  const environment = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 1e9),
    loadAverageAtStart: loadavg().map((v) => Number(v.toFixed(2))),
    git: gitRevision(),
    quick,
  };
  process.stderr.write(
    `Nurse Station benchmarks${quick ? ' (quick)' : ''}: ${selected.map((c) => c.name).join(', ')}\n` +
      `node ${environment.node}, ${environment.cores} × ${environment.cpu}, load ${environment.loadAverageAtStart.join(' ')}\n`,
  );

  const results: CaseResult[] = [];
  const failures: { name: string; error: string }[] = [];
  for (const c of selected) {
    const t0 = performance.now();
    process.stderr.write(`▶ ${c.name}: ${c.title}\n`);
    try {
      const r = await runChild(c.name, quick, values['cpu-prof'] === true, c.nodeFlags ?? []);
      results.push(r);
      process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push({ name: c.name, error: message });
      process.stderr.write(`  FAILED: ${message}\n`);
    }
  }

  const rows: ResultRow[] = results.flatMap((r) => r.rows);
  for (const f of failures) {
    rows.push({
      measure: f.name,
      size: '',
      value: 'failed',
      target: '',
      status: 'miss',
      data: {},
      note: f.error,
    });
  }
  process.stdout.write(`\n${formatTable(rows)}\n`);
  const misses = rows.filter((r) => r.status === 'miss').length;
  process.stdout.write(
    `\n${rows.filter((r) => r.status === 'pass').length} within target, ${misses} missed\n`,
  );

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: { ...environment, loadAverageAtEnd: loadavg().map((v) => Number(v.toFixed(2))) },
    rows,
    cases: results,
    failures,
  };
  mkdirSync(RESULTS, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(report, null, 2);
  writeFileSync(join(RESULTS, `${stamp}.json`), json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  process.stdout.write(`results: bench/results/${stamp}.json\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
