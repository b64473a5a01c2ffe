#!/usr/bin/env node
// `npm start`: installs what is missing, builds, then opens Nurse Station in simulator mode —
// in Electron when its runtime is installed, otherwise in the web shell on 127.0.0.1.
// Plain Node on purpose: it runs before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const say = (msg) => process.stderr.write(`nurse-station: ${msg}\n`);
const fail = (msg) => {
  say(`error: ${msg}`);
  process.exit(1);
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`Node.js ${process.version} is too old; 20.19 or newer is needed.`);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

// 1. npm dependencies
const installed =
  existsSync('node_modules/.package-lock.json') &&
  statSync('node_modules/.package-lock.json').mtimeMs >= statSync('package-lock.json').mtimeMs &&
  existsSync('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
if (!installed) {
  say('installing npm dependencies (the first time builds better-sqlite3 and takes a few minutes) ...');
  const env = { ELECTRON_SKIP_BINARY_DOWNLOAD: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1' };
  if (!run('npm', ['ci', '--no-audit', '--no-fund'], env)) {
    fail(
      'npm ci failed — see above (better-sqlite3 needs a C++ compiler and python3: sudo apt-get install build-essential python3).',
    );
  }
  spawnSync('touch', ['node_modules/.package-lock.json']);
}

// 2. build when any source is newer than the build
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const built =
  existsSync('out/renderer/index.html') && existsSync('out/main/index.js') && existsSync('out/main/web.js');
const sourcesTime = Math.max(...['renderer', 'shared', 'electron'].map(newest));
if (!built || sourcesTime > statSync('out/main/index.js').mtimeMs) {
  say('building ...');
  if (!run('npx', ['electron-vite', 'build'])) fail('the build failed — see above.');
}

// 3. Electron if its runtime is installed, else the web shell
let electronBinary = null;
try {
  const pathFile = 'node_modules/electron/path.txt';
  if (existsSync(pathFile)) {
    const candidate = join('node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(candidate)) electronBinary = candidate;
  }
} catch {
  electronBinary = null;
}
const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

let child;
if (electronBinary && hasDisplay) {
  say('starting the Electron app (simulator mode unless configured) ...');
  child = spawn(electronBinary, ['.'], { stdio: 'inherit' });
} else {
  say(
    electronBinary
      ? 'no display found for the Electron window; serving the web shell instead.'
      : 'the Electron runtime is not installed (its binary is not on the npm registry); serving the web shell instead.',
  );
  child = spawn(process.execPath, ['out/main/web.js', ...process.argv.slice(2)], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
