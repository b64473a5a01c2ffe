#!/usr/bin/env node
// Security gate for the Electron app: runs Doyensec's electronegativity over the shell sources
// (electron/) and the built bundles (out/), and fails on any HIGH finding that is not accepted,
// with a reason, in docs/security-exceptions.md. Lower severities are printed for review.
//
//   node scripts/electronegativity.mjs            (after `npm run build`)
//   node scripts/electronegativity.mjs --source   (electron/ only, no build needed)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const EXCEPTIONS_FILE = 'docs/security-exceptions.md';
// Test code is scanned (the tool cannot skip files) but never shipped: findings there are noise.
const TEST_CODE = /(\.spec\.ts|[\\/]electron-fake\.ts)$/;

const sourceOnly = process.argv.includes('--source');
const inputs = sourceOnly ? ['electron'] : ['electron', 'out'];

function fail(message) {
  console.error(`electronegativity: ${message}`);
  process.exit(2);
}

for (const input of inputs) {
  if (!existsSync(resolve(root, input))) {
    fail(
      input === 'out'
        ? 'out/ is missing: run `npm run build` first (or pass --source)'
        : `${input}/ is missing`,
    );
  }
}

/** `| \`CHECK_ID\` | \`path or glob\` | reason |` rows under the Electronegativity heading. */
function readExceptions() {
  const path = resolve(root, EXCEPTIONS_FILE);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^#+\s.*electronegativity/i.test(l));
  if (start < 0) return [];
  const exceptions = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+\s/.test(line)) break;
    const cells = line.split('|').map((c) => c.trim());
    // ['', check, file, reason, '']
    if (cells.length < 5) continue;
    const check = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    const file = /^`([^`]+)`$/.exec(cells[2] ?? '')?.[1];
    const reason = (cells[3] ?? '').trim();
    if (!check || !file) continue;
    if (reason.length < 20)
      fail(`${EXCEPTIONS_FILE}: the exception for ${check} in ${file} needs a real reason`);
    const pattern = new RegExp(
      `^${file
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    exceptions.push({ check, file, pattern, reason, used: false });
  }
  return exceptions;
}

const electronVersion = JSON.parse(
  readFileSync(resolve(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const run = require('@doyensec/electronegativity');

const findings = [];
let parseErrors = 0;
for (const input of inputs) {
  const dir = resolve(root, input);
  const result = await run({
    input: dir,
    electronVersionOverride: electronVersion,
    isRelative: false,
    parserPlugins: [],
  });
  for (const err of result.errors) {
    if (err.tolerable) continue;
    parseErrors++;
    console.error(`could not analyse ${relative(root, err.file)}: ${err.message}`);
  }
  for (const issue of result.issues) {
    // global checks (e.g. "no navigation limits anywhere") have no file
    const global = !issue.file || issue.file === 'N/A';
    const abs = global ? dir : isAbsolute(issue.file) ? issue.file : resolve(dir, issue.file);
    findings.push({
      check: issue.id,
      file: global ? `${input}/ (whole tree)` : relative(root, abs).split('\\').join('/'),
      line: global ? '' : `:${issue.location?.line ?? '?'}:${issue.location?.column ?? '?'}`,
      severity: issue.severity?.name ?? 'UNKNOWN',
      confidence: issue.confidence?.name ?? 'UNKNOWN',
      review: Boolean(issue.manualReview),
      description: issue.description,
      test: TEST_CODE.test(abs),
    });
  }
}

const exceptions = readExceptions();
const order = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
findings.sort((a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9) || a.file.localeCompare(b.file));

const blocking = [];
console.log(`electronegativity (Electron ${electronVersion}) over ${inputs.join(', ')}:`);
for (const f of findings) {
  let status = '';
  if (f.test) status = 'ignored: test code';
  else if (f.severity === 'HIGH') {
    const exception = exceptions.find((e) => e.check === f.check && e.pattern.test(f.file));
    if (exception) {
      exception.used = true;
      status = 'accepted (see security-exceptions.md)';
    } else {
      status = 'BLOCKING';
      blocking.push(f);
    }
  } else if (f.review) status = 'review';
  console.log(
    `  ${f.severity.padEnd(6)} ${f.confidence.padEnd(9)} ${f.check.padEnd(28)} ${`${f.file}${f.line}`.padEnd(44)} ${status}`,
  );
}
if (findings.length === 0) console.log('  no findings');
for (const e of exceptions.filter((x) => !x.used)) {
  console.warn(`note: exception ${e.check} for ${e.file} matched nothing; remove it if it is stale`);
}

if (blocking.length > 0 || parseErrors > 0) {
  console.error(
    `\nFAILED: ${blocking.length} HIGH finding(s) without an accepted reason in ${EXCEPTIONS_FILE}` +
      (parseErrors ? `, ${parseErrors} file(s) could not be analysed` : ''),
  );
  process.exit(1);
}
console.log(`\nOK: no unaccepted HIGH findings (${findings.length} finding(s) in total)`);
