// electron-vite build of the three Electron bundles:
//   out/main/index.js (+ cli.js, web.js once those entries exist)  ESM, dependencies external
//   out/preload/index.cjs                                            CommonJS, self-contained
//   out/renderer/index.html                                          Vue app, CSP meta injected
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './electron/main/core/csp';

const root = fileURLToPath(new URL('.', import.meta.url));
const at = (path: string): string => resolve(root, path);

/** Entries that other parts of the project add over time; built only when present. */
function mainInputs(): Record<string, string> {
  const inputs: Record<string, string> = { index: at('electron/main/index.ts') };
  const optional: Record<string, string> = {
    cli: 'electron/main/cli/main.ts',
    web: 'electron/main/web-shell/serve.ts',
  };
  for (const [name, path] of Object.entries(optional)) {
    if (existsSync(at(path))) inputs[name] = at(path);
  }
  return inputs;
}

/**
 * The renderer is loaded from file://, where a response-header CSP is not applied, so the built
 * index.html carries the one policy of electron/main/core/csp.ts as a <meta> tag, first in <head>
 * before any script. A policy of the page's own would be a second source (the stricter of two
 * policies wins, silently): the build refuses it.
 */
function cspMetaPlugin(): Plugin {
  return {
    name: 'nurse-station:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      if (/http-equiv\s*=\s*["']?Content-Security-Policy/i.test(html)) {
        throw new Error(
          'renderer/index.html has its own Content-Security-Policy; the policy comes from electron/main/core/csp.ts only',
        );
      }
      return [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      // Native and CommonJS-heavy dependencies (better-sqlite3, pg, mysql2, kafkajs, ws, zod...)
      // stay in node_modules: better-sqlite3 must be the copy rebuilt for Electron's ABI.
      externalizeDeps: { include: ['better-sqlite3', 'pg', 'mysql2', 'kafkajs', 'ws'] },
      rollupOptions: { input: mainInputs() },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // A sandboxed preload can require only 'electron' (and a few polyfills): bundle everything.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('renderer'),
    plugins: [vue(), cspMetaPlugin()],
    build: {
      outDir: at('out/renderer'),
      // NURSE_STATION_PROFILE_BUILD=1: readable names in Chromium's CPU profiles (bench/experiments)
      ...(process.env.NURSE_STATION_PROFILE_BUILD === '1' ? { minify: false, sourcemap: true } : {}),
      rollupOptions: { input: { index: at('renderer/index.html') } },
    },
  },
});
