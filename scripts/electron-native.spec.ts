// scripts/electron-native.mjs, the build of better-sqlite3 for Electron. The quick tests run its
// decisions (what to build, when not to, what it says); the real build takes minutes and is opt-in:
//   NURSE_STATION_NATIVE_TEST=1 npx vitest run scripts/electron-native.spec.ts
// It builds for plain Node (--runtime=node, this Node's version: the same node-gyp build with Node's
// headers instead of Electron's), proves the result loads through `nativeBinding`, and that
// node_modules/better-sqlite3/build is untouched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeModuleInfo } from './electron-runtime.mjs';

const script = join(__dirname, 'electron-native.mjs');
const repo = join(__dirname, '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ns-native-'));
  dirs.push(d);
  return d;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20 * 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** a project with node_modules/electron as npm leaves it (no runtime) and better-sqlite3's package.json */
function fakeProject(): string {
  const root = temp();
  mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(
    join(root, 'node_modules', 'electron', 'package.json'),
    JSON.stringify({ version: '45.4.1' }),
  );
  writeFileSync(join(root, 'node_modules', 'electron', 'abi_version'), '150');
  mkdirSync(join(root, 'node_modules', 'better-sqlite3'), { recursive: true });
  writeFileSync(
    join(root, 'node_modules', 'better-sqlite3', 'package.json'),
    JSON.stringify({ version: '12.11.1' }),
  );
  return root;
}

describe('electron-native.mjs: what it builds, and when it does not', () => {
  it('skips a build that is up to date (Electron version, better-sqlite3 version, arch)', () => {
    const root = fakeProject();
    const dir = join(root, 'native', `electron-v150-${process.platform}-${process.arch}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'better_sqlite3.node'), 'built');
    const info = {
      betterSqlite3: '12.11.1',
      runtime: 'electron',
      target: '45.4.1',
      arch: process.arch,
      abi: '150',
    };
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify(info));
    const r = run([`--root=${root}`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('better-sqlite3 12.11.1 for Electron 45.4.1 (ABI 150) is up to date');
  });

  it('--dev (npm run dev) refuses without the Electron runtime and says to run npx install-electron', () => {
    const r = run([`--root=${fakeProject()}`, '--dev']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('run `npx install-electron`');
    expect(r.out).toContain('the Electron 45.4.1 runtime has not been downloaded');
  });

  it('needs --out for a target whose ABI it cannot know', () => {
    const r = run([`--root=${fakeProject()}`, '--target=46.0.0']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the ABI of Electron 46.0.0 is not known here: pass --out=<file>');
  });

  it('rejects an unknown runtime, and says when better-sqlite3 is not installed', () => {
    expect(run(['--runtime=bun']).out).toContain('--runtime must be electron or node');
    const bare = temp();
    expect(run([`--root=${bare}`]).out).toContain('better-sqlite3 is not installed');
  });
});

describe.runIf(process.env.NURSE_STATION_NATIVE_TEST === '1')(
  'electron-native.mjs: a real build (minutes)',
  () => {
    it(
      'builds better-sqlite3 from a copy of its sources and the result loads through nativeBinding',
      () => {
        const installed = join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
        const before = statSync(installed).mtimeMs;
        const out = join(temp(), 'node-build', 'better_sqlite3.node');
        const r = run(['--runtime=node', `--target=${process.versions.node}`, `--out=${out}`, '--force'], {
          // what an npmrc leaks into `npm run`: must not reach node-gyp
          npm_config_target: '1.0.0',
          npm_config_runtime: 'electron',
        });
        expect(r.code, r.out.slice(-3000)).toBe(0);
        expect(r.out).toContain(`it loads under Node ${process.versions.node}`);
        expect(nativeModuleInfo(readFileSync(out)).abi).toBe(process.versions.modules);
        expect(JSON.parse(readFileSync(join(out, '..', 'build-info.json'), 'utf8'))).toMatchObject({
          runtime: 'node',
          target: process.versions.node,
          arch: process.arch,
        });
        // loaded here too, as the station loads the Electron build
        const db = new Database(':memory:', { nativeBinding: out });
        expect(db.prepare('SELECT 41 + 1 AS n').get()).toEqual({ n: 42 });
        db.close();
        // node_modules' build for plain Node is not touched, and no build folder is left behind
        expect(statSync(installed).mtimeMs).toBe(before);
        expect(existsSync(join(repo, 'native', '.build'))).toBe(false);
      },
      20 * 60_000,
    );
  },
);
