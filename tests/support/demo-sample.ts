// The demo generator's own output (../shared/samples/demo-readings.jsonl beside the clone): tests use it
// to prove the app reads the demo's messages unchanged.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function demoSamplePath(): string {
  const candidates = [
    process.env.NURSE_STATION_DEMO_SAMPLE,
    join(ROOT, '..', 'shared', 'samples', 'demo-readings.jsonl'),
    '/work/shared/samples/demo-readings.jsonl',
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `The demo sample is missing: looked for ${candidates.join(', ')}. Set NURSE_STATION_DEMO_SAMPLE to its path.`,
    );
  }
  return found;
}
