#!/usr/bin/env node
// `npm run electron:native`: builds better-sqlite3's native module for the installed Electron, into
//   native/electron-v<ABI>-<platform>-<arch>/better_sqlite3.node
// where the Electron main process loads it from (electron/main/shell/native-binding.ts, through
// better-sqlite3's `nativeBinding` option). node_modules/better-sqlite3/build is never touched: it
// stays the build for plain Node that the tests, the web shell and the CLI load. One binary cannot
// serve both (Electron 45: NODE_MODULE_VERSION 150; Node 20: 115).
//
// How: better-sqlite3's sources (binding.gyp, src/, deps/) are copied to native/.build/<...>, node-gyp
// builds them there against the Electron headers (downloaded once from https://electronjs.org/headers
// into node-gyp's cache), and build/Release/better_sqlite3.node is copied out, with build-info.json
// next to it (which better-sqlite3, runtime and target it was built for: a stale build is rebuilt).
//
//   node scripts/electron-native.mjs                      the installed Electron (skips an up-to-date build)
//   node scripts/electron-native.mjs --force              rebuild even if up to date
//   node scripts/electron-native.mjs --dev                for `npm run dev`: also require the Electron runtime
//   node scripts/electron-native.mjs --runtime=node --target=20.20.2 --out=/tmp/b/better_sqlite3.node
//                                                         the same build for plain Node (how it is tested)
// Other options: --arch=<x64|arm64|...>, --nodedir=<headers folder> (offline builds), --keep-build,
// --root=<project folder>. Exits 1 with a message that says what to do when it cannot build.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BINDING_FILE,
  BUILD_INFO_FILE,
  betterSqliteVersion,
  bindingIsCurrent,
  electronBindingDir,
  inspectElectron,
  NATIVE_FORMAT,
  nativeModuleInfo,
} from './electron-runtime.mjs';

const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
// node-gyp's words for a failed header download ("…related to network connectivity…") and for a
// missing compiler
const DOWNLOAD_FAILED = new RegExp(
  [
    'network connectivity',
    'install got an error',
    'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH',
    'fetch failed|certificate|self[- ]signed|(status|code) (403|404)|download failed',
  ].join('|'),
  'i',
);
const TOOLCHAIN_MISSING =
  /(make|g\+\+|c\+\+|cc|clang\+\+): (command )?not found|spawn make ENOENT|No such file or directory.*\b(g\+\+|c\+\+|cc)\b/i;

const say = (msg) => process.stderr.write(`electron-native: ${msg}\n`);
const fail = (msg) => {
  say(`error: ${msg}`);
  process.exit(1);
};

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'electron' },
    target: { type: 'string' },
    arch: { type: 'string', default: process.arch },
    out: { type: 'string' },
    nodedir: { type: 'string' },
    root: { type: 'string' },
    force: { type: 'boolean', default: false },
    dev: { type: 'boolean', default: false },
    'keep-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0];
  process.stdout.write(`${head.replace(/^#!.*\n/, '').replace(/^\/\/ ?/gm, '')}\n`);
  process.exit(0);
}

const root = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const runtime = values.runtime;
const arch = values.arch;
if (runtime !== 'electron' && runtime !== 'node') fail(`--runtime must be electron or node, not ${runtime}`);

const sqliteVersion = betterSqliteVersion(root);
if (!sqliteVersion)
  fail(`better-sqlite3 is not installed in ${join(root, 'node_modules')}: run \`npm ci\` first.`);

// ---- what to build for, and where it goes ----------------------------------------------------------
let target = values.target?.replace(/^v/, '');
let abi = null;
let label;
let electron = null;
if (runtime === 'electron') {
  electron = inspectElectron(root);
  if (!electron.version) fail(`${electron.reason}.`);
  if (values.dev && !electron.installed) {
    fail(
      `${electron.reason}. \`npm run dev\` needs the Electron runtime: run \`npx install-electron\` (downloads Electron ${electron.version}; Node >= 22.12), then \`npm run dev\` again. Without it, \`npm start\` serves the same app in the web shell.`,
    );
  }
  target ??= electron.version;
  if (target === electron.version) abi = electron.abi;
  label = `Electron ${target}${abi ? ` (ABI ${abi})` : ''}`;
} else {
  target ??= process.versions.node;
  if (target === process.versions.node) abi = process.versions.modules;
  label = `Node ${target}${abi ? ` (ABI ${abi})` : ''}`;
}
let out = values.out && resolve(values.out);
if (!out) {
  if (!abi) fail(`the ABI of ${label} is not known here: pass --out=<file> for a build for another version.`);
  out =
    runtime === 'electron'
      ? join(electronBindingDir(root, abi, process.platform, arch), BINDING_FILE)
      : join(root, 'native', `node-v${abi}-${process.platform}-${arch}`, BINDING_FILE);
}

if (!values.force) {
  const current = bindingIsCurrent(root, out, runtime, target, arch);
  if (current.ok) {
    say(`better-sqlite3 ${sqliteVersion} for ${label} is up to date: ${out}`);
    process.exit(0);
  }
  say(
    `building better-sqlite3 ${sqliteVersion} for ${label} (${current.reason}); this takes a few minutes ...`,
  );
} else {
  say(`building better-sqlite3 ${sqliteVersion} for ${label}; this takes a few minutes ...`);
}

// ---- the toolchain ------------------------------------------------------------------------------------
function works(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', shell: process.platform === 'win32' });
  return r.status === 0;
}
const TOOLCHAIN_HINT = {
  linux: 'sudo apt-get install build-essential python3 (Debian/Ubuntu)',
  darwin: 'xcode-select --install, and python3',
  win32: 'Visual Studio 2022 Build Tools with the "Desktop development with C++" workload, and Python 3',
};
const hint = TOOLCHAIN_HINT[process.platform] ?? 'a C++ compiler, make and python3';
const python = process.env.npm_config_python || process.env.PYTHON;
if (!(python ? works(python) : works('python3') || works('python'))) {
  fail(`python3 was not found; node-gyp needs it to build better-sqlite3. Install: ${hint}.`);
}
if (process.platform !== 'win32') {
  if (!works('make'))
    fail(`make was not found; a C++ toolchain is needed to build better-sqlite3. Install: ${hint}.`);
  const cxx = process.env.CXX || ['c++', 'g++', 'clang++'].find((c) => works(c));
  if (!cxx || !works(cxx)) {
    fail(
      `no C++ compiler was found (c++, g++ or clang++); one is needed to build better-sqlite3. Install: ${hint}.`,
    );
  }
}

// ---- node-gyp: the project's, else npm's own ------------------------------------------------------
function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not a project dependency */
  }
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npmDirs = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
    join(dirname(process.execPath), 'node_modules', 'npm'),
  ];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['npm', 'npm.cmd']) {
      const npm = join(dir, name);
      if (existsSync(npm))
        npmDirs.push(join(dir, '..', 'lib', 'node_modules', 'npm'), join(dir, 'node_modules', 'npm'));
    }
  }
  for (const dir of npmDirs) candidates.push(join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c)) ?? null;
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp was not found (neither in node_modules nor bundled with npm): run `npm ci`.');

// Plain Node's own headers, when they sit next to this node (Debian's nodejs: /usr/include/node):
// no download for a --runtime=node build of this very Node.
function localNodeHeaders() {
  const prefix = resolve(dirname(process.execPath), '..');
  try {
    const h = readFileSync(join(prefix, 'include', 'node', 'node_version.h'), 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map(
      (p) => h.match(new RegExp(`define NODE_${p}_VERSION (\\d+)`))?.[1],
    );
    return v.join('.') === target ? prefix : null;
  } catch {
    return null;
  }
}
const nodedir = values.nodedir ? resolve(values.nodedir) : runtime === 'node' ? localNodeHeaders() : null;

// npm exports its config as npm_config_* and node-gyp lets those override its command line: an
// npmrc `nodedir=/usr` (as on this project's CI image) would silently build the "Electron" module
// against Node's headers. Only the compiler settings get through.
const env = {};
for (const [key, value] of Object.entries(process.env)) {
  if (/^npm_package_config_node_gyp_/i.test(key)) continue;
  if (/^npm_config_/i.test(key) && !/^npm_config_(python|msvs_version)$/i.test(key)) continue;
  env[key] = value;
}

// ---- build in a copy of the sources ---------------------------------------------------------------
const pkgDir = join(root, 'node_modules', 'better-sqlite3');
const buildDir = join(root, 'native', '.build', `${runtime}-${target}-${arch}-${process.pid}`);
rmSync(buildDir, { recursive: true, force: true });
mkdirSync(buildDir, { recursive: true });
// on every exit, fail() included (process.exit skips finally blocks)
process.on('exit', () => {
  if (values['keep-build']) return;
  rmSync(buildDir, { recursive: true, force: true });
  try {
    rmdirSync(join(root, 'native', '.build')); // only when empty
  } catch {
    /* another build runs, or it is gone */
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
{
  // package.json too: it makes deps/copy.js (run by the build) CommonJS, not the project's ESM
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) {
    cpSync(join(pkgDir, entry), join(buildDir, entry), { recursive: true });
  }
  const args = [
    nodeGyp,
    'rebuild',
    '--release',
    `--runtime=${runtime}`,
    `--target=${target}`,
    `--arch=${arch}`,
    '--jobs=max',
    ...(runtime === 'electron' ? [`--dist-url=${ELECTRON_HEADERS_URL}`] : []),
    ...(nodedir ? [`--nodedir=${nodedir}`] : []),
  ];
  say(`node-gyp ${args.slice(1).join(' ')}  (in ${buildDir})`);
  const { code, output } = await runTee(process.execPath, args, { cwd: buildDir, env });
  if (code !== 0) fail(explain(output, code));

  const built = join(buildDir, 'build', 'Release', BINDING_FILE);
  if (!existsSync(built) || statSync(built).size === 0)
    fail(`node-gyp succeeded but ${built} is missing or empty.`);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  copyFileSync(built, tmp);
  renameSync(tmp, out); // whole or not at all: the app never loads half a file
  // what the binary says it is: a build against the wrong headers (an npmrc nodedir= that got
  // through, a wrong --nodedir) registers for another ABI and would fail only at the app's start
  const info = nativeModuleInfo(readFileSync(out));
  const wrong = [
    info.format !== (NATIVE_FORMAT[process.platform] ?? info.format) && `a ${info.format} file`,
    info.arch !== arch && `for ${info.arch ?? 'an unknown architecture'}`,
    abi && info.abi !== abi && `for ABI ${info.abi ?? '(none found)'}`,
  ].filter(Boolean);
  if (wrong.length > 0) {
    rmSync(out, { force: true });
    fail(
      `the build is ${wrong.join(', ')}, not for ${label} on ${process.platform} ${arch}: check --nodedir and npm_config_* settings.`,
    );
  }
  const loaded = loadTest(out);
  if (loaded.error) {
    rmSync(out, { force: true });
    fail(`the new build does not load under ${label}: ${loaded.error}`);
  }
  writeFileSync(
    join(dirname(out), BUILD_INFO_FILE),
    `${JSON.stringify({ betterSqlite3: sqliteVersion, runtime, target, arch, abi, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  say(`built ${out} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MB); ${loaded.note}`);
}

/** Runs a command, passing its output through and keeping the end of it for the diagnosis. */
function runTee(cmd, args, opts) {
  return new Promise((resolvePromise) => {
    let output = '';
    const keep = (chunk) => {
      process.stderr.write(chunk);
      output = (output + chunk.toString()).slice(-200_000);
    };
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolvePromise({ code: -1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, output }));
  });
}

/** What went wrong, from node-gyp's output, and what to do about it. */
function explain(output, code) {
  const headers =
    runtime === 'electron'
      ? `the headers of ${label} from ${ELECTRON_HEADERS_URL}`
      : `the headers of Node ${target} from https://nodejs.org/dist`;
  if (DOWNLOAD_FAILED.test(output)) {
    return `node-gyp could not download ${headers} (no network, a proxy, or a TLS-inspecting firewall?). They are needed once and then kept in node-gyp's cache (~/.cache/node-gyp/${target} on Linux, %LOCALAPPDATA%\\node-gyp\\Cache\\${target} on Windows): build once with network access, copy that folder from a machine that has it, or pass --nodedir=<the unpacked headers>.`;
  }
  if (/Could not find any Python|gyp ERR! find Python/i.test(output)) {
    return `node-gyp found no usable Python 3. Install: ${hint} (or set npm_config_python=/path/to/python3).`;
  }
  if (/Visual Studio|msbuild|MSB\d{4}/i.test(output) && process.platform === 'win32') {
    return `node-gyp found no usable Visual Studio C++ toolchain. Install ${TOOLCHAIN_HINT.win32}.`;
  }
  if (TOOLCHAIN_MISSING.test(output)) {
    return `the C++ toolchain is incomplete. Install: ${hint}.`;
  }
  return `node-gyp failed (exit ${code}); see its output above. A C++ toolchain and python3 are needed (${hint}), and ${headers} the first time.`;
}

/** Loads the new binding where that is possible here: under this Node, or under the installed Electron. */
function loadTest(file) {
  const probe = [
    `const Database = require(${JSON.stringify(join(pkgDir, 'lib', 'index.js'))});`,
    `const db = new Database(':memory:', { nativeBinding: ${JSON.stringify(file)} });`,
    `process.stdout.write(db.prepare('select sqlite_version() as v').get().v);`,
  ].join('\n');
  let cmd = null;
  let childEnv = { ...process.env };
  if (runtime === 'node' && target === process.versions.node) {
    cmd = process.execPath;
  } else if (runtime === 'electron' && electron?.installed && target === electron.version) {
    cmd = electron.binary;
    childEnv = { ...childEnv, ELECTRON_RUN_AS_NODE: '1' };
  }
  if (!cmd) {
    return {
      error: null,
      note:
        runtime === 'electron'
          ? 'not load-tested: the Electron runtime is not installed here (`npx install-electron`); the app loads it at start.'
          : `not load-tested: this is Node ${process.versions.node}, the build is for ${target}.`,
    };
  }
  const r = spawnSync(cmd, ['-e', probe], { env: childEnv, encoding: 'utf8' });
  if (r.status !== 0)
    return {
      error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' '),
    };
  return { error: null, note: `it loads under ${label} (SQLite ${r.stdout.trim()}).` };
}
