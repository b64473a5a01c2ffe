#!/usr/bin/env node
// `npm start`: installs what is missing, builds, then opens Nurse Station in simulator mode —
// in Electron when its runtime is installed, otherwise in the web shell on 127.0.0.1.
// Plain Node on purpose: it runs before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINDING_FILE, bindingIsCurrent, electronBindingDir, inspectElectron } from './electron-runtime.mjs';

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

// 3. Electron if its runtime is installed (and better-sqlite3 is built for it), else the web shell.
// Electron 45's npm package has no postinstall: `npx install-electron` downloads the runtime. It is
// never downloaded from here (node_modules/electron's index.js would): that is the developer's call.
const electron = inspectElectron(root);
const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const desktopSteps = 'npx install-electron (Node >= 22.12), then npm run electron:native, then npm start';

/** null when better-sqlite3 is built for this Electron (built now if need be), else why not */
function electronBindingProblem() {
  if (!electron.abi) return `node_modules/electron/abi_version is missing: reinstall with npm ci`;
  const file = join(electronBindingDir(root, electron.abi), BINDING_FILE);
  if (bindingIsCurrent(root, file, 'electron', electron.version).ok) return null;
  say(
    `better-sqlite3 is not built for Electron ${electron.version} yet: building it (npm run electron:native) ...`,
  );
  if (run(process.execPath, [join(root, 'scripts', 'electron-native.mjs')])) return null;
  return `better-sqlite3 could not be built for Electron ${electron.version} (see the message above; fix that, then run \`npm run electron:native\` and npm start again)`;
}

let webShellBecause = null;
if (!electron.installed) {
  webShellBecause = `${electron.reason}; for the desktop app run: ${desktopSteps}`;
} else if (!hasDisplay) {
  webShellBecause = 'no display found for the Electron window (DISPLAY and WAYLAND_DISPLAY are unset)';
} else {
  webShellBecause = electronBindingProblem();
}

let child;
if (!webShellBecause) {
  say(`starting the Electron app (Electron ${electron.version}; simulator mode unless configured) ...`);
  child = spawn(electron.binary, ['.'], { stdio: 'inherit' });
} else {
  say(`${webShellBecause}.`);
  say('serving the web shell instead.');
  child = spawn(process.execPath, ['out/main/web.js', ...process.argv.slice(2)], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
