// The scripts' view of Electron and of the better-sqlite3 builds: never downloading, never taking a
// runtime or a binding that is not the one this Electron needs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BINDING_FILE,
  bindingIsCurrent,
  electronBindingDir,
  inspectElectron,
  nativeModuleInfo,
  packagedAppProblems,
} from './electron-runtime.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a project folder with node_modules/electron as its npm package leaves it (no runtime) */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'ns-electron-rt-'));
  dirs.push(root);
  const electron = join(root, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  writeFileSync(join(electron, 'abi_version'), '150');
  // what `npx install-electron` would fetch if anything here required index.js
  writeFileSync(join(electron, 'index.js'), 'throw new Error("index.js must not be required: it downloads")');
  mkdirSync(join(root, 'node_modules', 'better-sqlite3'), { recursive: true });
  writeFileSync(
    join(root, 'node_modules', 'better-sqlite3', 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }),
  );
  return root;
}

/** what `npx install-electron` leaves: dist/<binary>, dist/version, path.txt */
function installRuntime(root: string, distVersion = 'v45.4.1'): string {
  const electron = join(root, 'node_modules', 'electron');
  mkdirSync(join(electron, 'dist'), { recursive: true });
  writeFileSync(join(electron, 'dist', 'electron'), '#!/bin/sh\n');
  writeFileSync(join(electron, 'dist', 'version'), distVersion);
  writeFileSync(join(electron, 'path.txt'), 'electron');
  return join(electron, 'dist', 'electron');
}

describe('inspectElectron', () => {
  it('the npm package alone (Electron 45 has no postinstall) is not an installed runtime', () => {
    const root = project();
    expect(inspectElectron(root)).toEqual({
      version: '45.4.1',
      abi: '150',
      installed: false,
      binary: null,
      reason: 'the Electron 45.4.1 runtime has not been downloaded (no node_modules/electron/path.txt)',
    });
  });

  it('after npx install-electron: installed, with the binary path.txt names', () => {
    const root = project();
    const binary = installRuntime(root);
    expect(inspectElectron(root)).toMatchObject({ installed: true, binary, reason: null });
  });

  it('a runtime of another Electron version, or a path.txt naming nothing, is not this Electron', () => {
    const root = project();
    installRuntime(root, 'v44.0.0');
    expect(inspectElectron(root).installed).toBe(false);
    expect(inspectElectron(root).reason).toBe(
      'node_modules/electron/dist holds Electron 44.0.0, but the package is 45.4.1',
    );
    writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'missing-binary');
    expect(inspectElectron(root).reason).toMatch(/names .*missing-binary, which does not exist/);
  });

  it('no electron package at all', () => {
    const root = project();
    rmSync(join(root, 'node_modules', 'electron'), { recursive: true });
    expect(inspectElectron(root)).toMatchObject({ version: null, installed: false });
  });
});

describe('bindingIsCurrent', () => {
  it('wants the file and a build-info.json for this better-sqlite3, runtime, target and arch', () => {
    const root = project();
    const file = join(electronBindingDir(root, '150', 'linux', 'x64'), BINDING_FILE);
    expect(bindingIsCurrent(root, file, 'electron', '45.4.1', 'x64')).toEqual({
      ok: false,
      reason: `${file} does not exist`,
    });
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'binary');
    expect(bindingIsCurrent(root, file, 'electron', '45.4.1', 'x64').ok).toBe(false);
    const info = { betterSqlite3: '12.11.1', runtime: 'electron', target: '45.4.1', arch: 'x64', abi: '150' };
    writeFileSync(join(file, '..', 'build-info.json'), JSON.stringify(info));
    expect(bindingIsCurrent(root, file, 'electron', '45.4.1', 'x64')).toEqual({ ok: true });
    // an Electron or better-sqlite3 upgrade makes it stale
    expect(bindingIsCurrent(root, file, 'electron', '45.5.0', 'x64')).toEqual({
      ok: false,
      reason: `${file} was built with target 45.4.1, now 45.5.0`,
    });
    writeFileSync(
      join(root, 'node_modules', 'better-sqlite3', 'package.json'),
      JSON.stringify({ version: '12.12.0' }),
    );
    expect(bindingIsCurrent(root, file, 'electron', '45.4.1', 'x64').ok).toBe(false);
  });
});

// minimal headers: enough bytes for the format, machine and the registration symbol
function elf(machine: number, abi: string | null): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[5] = 1; // little-endian
  b.writeUInt16LE(machine, 18);
  return Buffer.concat([b, Buffer.from(abi ? `\0node_register_module_v${abi}\0` : '\0')]);
}
function pe(machine: number, abi: string): Buffer {
  const b = Buffer.alloc(0x100);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(machine, 0x84);
  return Buffer.concat([b, Buffer.from(`\0node_register_module_v${abi}\0`)]);
}

describe('nativeModuleInfo', () => {
  it('reads the format, architecture and ABI of a module', () => {
    expect(nativeModuleInfo(elf(62, '150'))).toEqual({ format: 'elf', arch: 'x64', abi: '150' });
    expect(nativeModuleInfo(elf(183, '115'))).toEqual({ format: 'elf', arch: 'arm64', abi: '115' });
    expect(nativeModuleInfo(pe(0x8664, '150'))).toEqual({ format: 'pe', arch: 'x64', abi: '150' });
    expect(nativeModuleInfo(Buffer.from('not a binary'))).toEqual({ format: null, arch: null, abi: null });
  });

  it('reads the real build for this Node: NODE_MODULE_VERSION of this process', () => {
    const file = join(__dirname, '../node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(nativeModuleInfo(readFileSync(file))).toEqual({
      format: { linux: 'elf', win32: 'pe', darwin: 'macho' }[process.platform as string] ?? null,
      arch: process.arch,
      abi: process.versions.modules,
    });
  });
});

describe('packagedAppProblems (electron-builder afterPack)', () => {
  const runtimeFiles = [
    '/node_modules/better-sqlite3/package.json',
    '/node_modules/better-sqlite3/lib/index.js',
    '/node_modules/better-sqlite3/lib/database.js',
    '/out/main/index.js',
  ];
  const linux = { platform: 'linux', arch: 'x64', abi: '150', asarFiles: runtimeFiles };

  it('passes a linux x64 Electron 45 binding and a lean better-sqlite3', () => {
    expect(packagedAppProblems({ ...linux, binding: elf(62, '150') })).toEqual([]);
  });

  it('fails a missing binding, saying what to run', () => {
    expect(packagedAppProblems({ ...linux, binding: null })).toEqual([
      expect.stringContaining(
        'resources/native/better_sqlite3.node is missing: run `node scripts/electron-native.mjs`',
      ),
    ]);
  });

  it("fails plain Node's build (ABI 115), a Linux build in a Windows package, another architecture", () => {
    expect(packagedAppProblems({ ...linux, binding: elf(62, '115') })).toEqual([
      expect.stringContaining('built for ABI 115, this Electron needs 150'),
    ]);
    const win = packagedAppProblems({ ...linux, platform: 'win32', binding: elf(62, '150') });
    expect(win).toEqual([expect.stringContaining('is a elf file, not a win32 module')]);
    expect(packagedAppProblems({ ...linux, platform: 'win32', binding: pe(0x8664, '150') })).toEqual([]);
    expect(packagedAppProblems({ ...linux, binding: elf(183, '150') })).toEqual([
      expect.stringContaining('is for arm64, not x64'),
    ]);
  });

  it("fails better-sqlite3's sources, its Node build or the test extension in app.asar", () => {
    const fat = [
      ...runtimeFiles,
      '/node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      '/node_modules/better-sqlite3/src/better_sqlite3.cpp',
      '/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      '/node_modules/better-sqlite3/build/Release/test_extension.node',
    ];
    expect(packagedAppProblems({ ...linux, binding: elf(62, '150'), asarFiles: fat })).toEqual([
      expect.stringContaining('app.asar holds 4 better-sqlite3 file(s) that are no use at run time'),
    ]);
  });

  it('fails a package whose better-sqlite3 JavaScript was excluded too', () => {
    expect(
      packagedAppProblems({ ...linux, binding: elf(62, '150'), asarFiles: ['/out/main/index.js'] }),
    ).toEqual([expect.stringContaining('no node_modules/better-sqlite3/lib/index.js')]);
  });
});
