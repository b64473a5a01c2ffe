// What the scripts need to know about the Electron runtime and the better-sqlite3 build for it,
// without ever downloading anything: requiring node_modules/electron (its index.js) would download
// the runtime, so this reads the package's files instead. Plain Node, no dependencies: `npm start`
// imports it before node_modules may exist.
//
// Electron 45's npm package has no postinstall: its runtime arrives only with `npx install-electron`
// (the package's `install-electron` bin), which extracts it to node_modules/electron/dist and writes
// node_modules/electron/path.txt (the executable's path inside dist) and dist/version.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folder name the app looks in (electron/main/shell/native-binding.ts agrees; a test checks). */
export function electronBindingDir(root, abi, platform = process.platform, arch = process.arch) {
  return join(root, 'native', `electron-v${abi}-${platform}-${arch}`);
}

export const BINDING_FILE = 'better_sqlite3.node';
/** written next to each binding by scripts/electron-native.mjs: what it was built from and for */
export const BUILD_INFO_FILE = 'build-info.json';

function readText(file) {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The Electron npm package in `root`, and whether its runtime is installed:
 * { version, abi, installed, binary, reason }. `installed` needs path.txt, the executable it names
 * under dist/, and dist/version equal to the package's version (a runtime left by another version
 * of the package is not this Electron). `reason` says what is missing when it is not installed.
 */
export function inspectElectron(root) {
  const dir = join(root, 'node_modules', 'electron');
  let version = null;
  try {
    version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version ?? null;
  } catch {
    return {
      version: null,
      abi: null,
      installed: false,
      binary: null,
      reason: 'the electron npm package is not installed (run `npm ci`)',
    };
  }
  const abi = readText(join(dir, 'abi_version'));
  const result = (installed, binary, reason) => ({ version, abi, installed, binary, reason });
  const pathTxt = readText(join(dir, 'path.txt'));
  if (!pathTxt) {
    return result(
      false,
      null,
      `the Electron ${version} runtime has not been downloaded (no node_modules/electron/path.txt)`,
    );
  }
  const binary = join(dir, 'dist', pathTxt);
  if (!existsSync(binary)) {
    return result(false, null, `node_modules/electron/path.txt names ${binary}, which does not exist`);
  }
  const distVersion = readText(join(dir, 'dist', 'version'))?.replace(/^v/, '') ?? null;
  if (distVersion !== version) {
    return result(
      false,
      null,
      distVersion
        ? `node_modules/electron/dist holds Electron ${distVersion}, but the package is ${version}`
        : 'node_modules/electron/dist/version is missing',
    );
  }
  return result(true, binary, null);
}

/** The build-info.json next to a binding, or null. */
export function readBuildInfo(bindingFile) {
  try {
    return JSON.parse(readFileSync(join(bindingFile, '..', BUILD_INFO_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** The better-sqlite3 version in `root`'s node_modules, or null. */
export function betterSqliteVersion(root) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'))
      .version;
  } catch {
    return null;
  }
}

/**
 * Is the binding at `bindingFile` a build of this better-sqlite3 for this runtime and target?
 * { ok: true } or { ok: false, reason }.
 */
export function bindingIsCurrent(root, bindingFile, runtime, target, arch = process.arch) {
  if (!existsSync(bindingFile)) return { ok: false, reason: `${bindingFile} does not exist` };
  const info = readBuildInfo(bindingFile);
  const want = { betterSqlite3: betterSqliteVersion(root), runtime, target, arch };
  if (!info) return { ok: false, reason: `${bindingFile} has no ${BUILD_INFO_FILE}` };
  for (const [key, value] of Object.entries(want)) {
    if (info[key] !== value) {
      return { ok: false, reason: `${bindingFile} was built with ${key} ${info[key]}, now ${value}` };
    }
  }
  return { ok: true };
}

const ELF_MACHINES = { 3: 'ia32', 40: 'armv7l', 62: 'x64', 183: 'arm64' };
const PE_MACHINES = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64', 0x1c4: 'armv7l' };
const MACHO_CPUS = { 7: 'ia32', 0x01000007: 'x64', 12: 'armv7l', 0x0100000c: 'arm64' };

/**
 * What a native module file is, from its bytes: { format: 'elf' | 'pe' | 'macho' | null, arch, abi }.
 * `abi` is the NODE_MODULE_VERSION it registers for (the `node_register_module_v<ABI>` symbol every
 * non-Node-API addon such as better-sqlite3 exports), null when none is found.
 */
export function nativeModuleInfo(bytes) {
  const buf = Buffer.from(bytes);
  let format = null;
  let arch = null;
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    format = 'elf';
    const littleEndian = buf[5] === 1;
    arch = ELF_MACHINES[littleEndian ? buf.readUInt16LE(18) : buf.readUInt16BE(18)] ?? null;
  } else if (buf.length >= 64 && buf.toString('latin1', 0, 2) === 'MZ') {
    format = 'pe';
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 6 <= buf.length && buf.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      arch = PE_MACHINES[buf.readUInt16LE(pe + 4)] ?? null;
    }
  } else if (buf.length >= 8 && [0xfeedfacf, 0xfeedface].includes(buf.readUInt32LE(0))) {
    format = 'macho';
    arch = MACHO_CPUS[buf.readUInt32LE(4)] ?? null;
  } else if (buf.length >= 8 && buf.readUInt32BE(0) === 0xcafebabe) {
    format = 'macho';
    arch = 'universal';
  }
  const abi = buf.toString('latin1').match(/node_register_module_v(\d+)/)?.[1] ?? null;
  return { format, arch, abi };
}

/** The file format a native module has on each platform. */
export const NATIVE_FORMAT = { linux: 'elf', win32: 'pe', darwin: 'macho' };

// ---- the packaged app (scripts/electron-builder-after-pack.cjs) -----------------------------------

/** files of better-sqlite3 that are no use at run time, as app.asar paths */
const NOT_RUNTIME = [
  /^node_modules\/better-sqlite3\/(deps|src|build)\//,
  /^node_modules\/better-sqlite3\/binding\.gyp$/,
  /(^|\/)test_extension\.node$/,
  /(^|\/)better_sqlite3\.node$/, // any inside app.asar is the node_modules build, not the one for Electron
];

/**
 * What is wrong with a packed app, as sentences (empty: nothing). `binding`: the bytes of
 * resources/native/better_sqlite3.node, or null when it is missing; `asarFiles`: the files of app.asar
 * (paths relative to it, forward slashes).
 */
export function packagedAppProblems({ platform, arch, abi, binding, asarFiles }) {
  const problems = [];
  const where = 'resources/native/better_sqlite3.node';
  if (!binding || binding.length === 0) {
    problems.push(
      `${where} is missing: run \`node scripts/electron-native.mjs\` on a ${platform} ${arch} machine before electron-builder (npm run dist:check / dist:linux / dist:win do).`,
    );
  } else {
    const info = nativeModuleInfo(binding);
    if (info.format !== NATIVE_FORMAT[platform]) {
      problems.push(
        `${where} is a ${info.format ?? 'unknown'} file, not a ${platform} module (it was built on another OS).`,
      );
    }
    if (info.arch !== arch)
      problems.push(`${where} is for ${info.arch ?? 'an unknown architecture'}, not ${arch}.`);
    if (info.abi !== abi) {
      problems.push(
        `${where} is built for ABI ${info.abi ?? '(none found)'}, this Electron needs ${abi}: run \`npm run electron:native\`.`,
      );
    }
  }
  const paths = asarFiles.map((f) => f.replace(/\\/g, '/').replace(/^\//, ''));
  const stray = paths.filter((p) => NOT_RUNTIME.some((re) => re.test(p)));
  if (stray.length > 0) {
    problems.push(
      `app.asar holds ${stray.length} better-sqlite3 file(s) that are no use at run time, e.g. ${stray.slice(0, 3).join(', ')}.`,
    );
  }
  if (!paths.includes('node_modules/better-sqlite3/lib/index.js')) {
    problems.push(
      'app.asar has no node_modules/better-sqlite3/lib/index.js: the station cannot open its database.',
    );
  }
  return problems;
}
