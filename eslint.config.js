// Layer rules, like VS Code's: shared/ stands alone, the renderer never reaches Node or Electron,
// and only the Electron shell imports 'electron'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'url',
  'stream',
  'events',
  'worker_threads',
  'zlib',
];
const mainOnly = ['pg', 'mysql2', 'mysql2/*', 'better-sqlite3', 'kafkajs', 'ws'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      '.cache/**',
      'test-results/**',
      'playwright-report/**',
      'artifacts/**',
      'bench/results/**',
      'backend-setup/kafka/**',
      // better-sqlite3 built for Electron, and the copy of its sources it is built from
      'native/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', '**/renderer/**'],
              message: 'shared/ imports neither electron/ nor renderer/.',
            },
            {
              group: [...nodeBuiltins, ...mainOnly],
              message: 'shared/ runs in the renderer too: no Node modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', '**/electron/**'],
              message: 'The renderer talks to main only through renderer/src/api.',
            },
            { group: [...nodeBuiltins, ...mainOnly], message: 'The renderer never imports Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'electron/**/*.ts',
      'backend-setup/**/*.ts',
      'bench/**/*.ts',
      'tests/**/*.ts',
      'scripts/**/*.{ts,mjs}',
    ],
    ignores: ['electron/main/shell/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only the Electron shell (electron/main/shell, electron/preload) imports electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
