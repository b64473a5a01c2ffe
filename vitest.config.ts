import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: [
      '{electron,shared,renderer,backend-setup,bench,scripts}/**/*.spec.ts',
      'tests/integration/**/*.spec.ts',
      'tests/support/**/*.spec.ts',
    ],
    exclude: ['**/node_modules/**', 'out/**', 'tests/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    environment: 'node',
  },
});
