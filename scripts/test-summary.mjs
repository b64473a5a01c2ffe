#!/usr/bin/env node
// One closing line over every test runner of `npm test`: "Tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];
const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

const vitest = read('.cache/results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += (vitest.numFailedTests ?? 0) + (vitest.numFailedTestSuites && !vitest.numFailedTests ? 1 : 0);
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  notes.push(`vitest ${vitest.numPassedTests}/${vitest.numTotalTests}`);
} else notes.push('vitest: no results');

const pw = read('.cache/results/playwright.json');
if (pw?.stats) {
  passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0);
  failed += pw.stats.unexpected ?? 0;
  skipped += pw.stats.skipped ?? 0;
  notes.push(
    `playwright ${(pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0)} passed${pw.stats.flaky ? ` (${pw.stats.flaky} flaky)` : ''}`,
  );
} else notes.push('playwright: no results');

console.log(`(${notes.join('; ')})`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
