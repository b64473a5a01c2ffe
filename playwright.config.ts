import { defineConfig } from '@playwright/test';

// E2E tests drive Debian's Chromium (never a downloaded browser) against the web shell, which
// serves the built renderer over HTTP with the real station core in simulator mode.
export const E2E_PORT = Number(process.env.NURSE_STATION_E2E_PORT ?? 5199);
/** the connected-mode station (tests/e2e/support/connected-station.ts) and its fault-control port */
export const CONNECTED_PORT = E2E_PORT + 1;
export const CONTROL_PORT = E2E_PORT + 2;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  projects: [
    { name: 'simulator', testIgnore: /connected\/.*\.spec\.ts/ },
    {
      name: 'connected',
      testMatch: /connected\/.*\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${CONNECTED_PORT}` },
    },
  ],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    browserName: 'chromium',
    viewport: { width: 1600, height: 1000 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    timezoneId: 'UTC',
  },
  webServer: [
    {
      command: `rm -rf .cache/e2e-station && node out/main/web.js --port ${E2E_PORT} --data-dir .cache/e2e-station --beds 12 --seed 7`,
      url: `http://127.0.0.1:${E2E_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { NURSE_STATION_TIME_ZONE: 'UTC', NURSE_STATION_ID: 'E2E-1' },
    },
    {
      command: `npx tsx tests/e2e/support/connected-station.ts --port ${CONNECTED_PORT} --control ${CONTROL_PORT}`,
      url: `http://127.0.0.1:${CONNECTED_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { NURSE_STATION_TIME_ZONE: 'UTC' },
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
