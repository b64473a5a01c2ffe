import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { PatientPage } from './pages/patient-page';
import { SettingsPage } from './pages/settings-page';
import { StationPage, type Theme } from './pages/station-page';

for (const theme of ['dark', 'light'] as Theme[]) {
  test.describe(`screens (${theme})`, () => {
    test.beforeEach(async ({ page }) => {
      await StationPage.prepare(page, theme);
    });

    test('alerts screen with statistic cards and filters', async ({ page }) => {
      const station = new StationPage(page);
      await station.open('/#/alerts');
      await expect(page.getByTestId('stat-card-pending')).toBeVisible();
      await expect(page.locator('[data-testid^="alert-row-"]').first()).toBeVisible();
      await page.locator('[data-testid^="alert-row-"]').first().click();
      await expect(page.getByTestId('alert-detail')).toBeVisible();
      await page.waitForTimeout(500);
      await station.screenshot(`alerts-${theme}`);
    });

    test('patient trends with thresholds and alert markers', async ({ page }) => {
      const patient = new PatientPage(page);
      await patient.openPatient('P001');
      for (const vital of ['heartRate', 'bloodOxygen', 'bloodGlucose'] as const) {
        await expect(patient.chart(vital).locator('canvas, svg').first()).toBeVisible();
      }
      await page.waitForTimeout(800);
      await patient.screenshot(`patient-${theme}`);
    });

    test('statistics', async ({ page }) => {
      const station = new StationPage(page);
      await station.open('/#/statistics');
      await expect(page.getByTestId('burden-over-time')).toBeVisible();
      await expect(page.getByTestId('burden-noisiest')).toBeVisible();
      await page.waitForTimeout(800);
      await station.screenshot(`statistics-${theme}`);
    });

    test('review and settings', async ({ page }) => {
      const station = new StationPage(page);
      await station.open('/#/review');
      await expect(page.getByTestId('review-table')).toBeVisible();
      await station.screenshot(`review-empty-${theme}`);
      await station.open('/#/settings');
      await expect(page.getByTestId('connection-form')).toBeVisible();
      await expect(page.getByTestId('secret-warning')).toBeVisible();
      // station settings are the charge nurse's (#18): locked, with the reason, until she signs in
      const retention = page.getByTestId('retention-form');
      await expect(retention.getByTestId('charge-only')).toContainText('Charge nurse only');
      await expect(page.getByTestId('retention-save')).toBeDisabled();
      await station.signIn(); // a nurse: still locked
      await expect(retention.getByTestId('charge-only')).toContainText('Li Na is signed in as a nurse');
      await expect(page.getByTestId('retention-days')).toBeDisabled();
      await station.signInAsCharge();
      await expect(retention.getByTestId('charge-only')).toBeHidden();
      await page.getByTestId('retention-days').fill('14');
      await page.getByTestId('retention-save').click();
      await expect(page.getByTestId('retention-message')).toContainText(/saved/i);
      await page.getByTestId('retention-days').fill('0');
      await page.getByTestId('retention-save').click();
      await expect(page.getByTestId('retention-message')).toContainText(/between 1 and 3650/);
      await station.screenshot(`settings-${theme}`);
    });
  });
}

test('Settings → About names the data folder and the log folder', async ({ page }) => {
  await StationPage.prepare(page);
  const settings = new SettingsPage(page);
  await settings.open('/#/settings');
  // the E2E web shell runs with --data-dir .cache/e2e-station (playwright.config.ts)
  const dataDir = resolve('.cache/e2e-station');
  await expect(settings.dataFolder()).toHaveText(dataDir);
  await expect(settings.logFolder()).toHaveText(join(dataDir, 'logs'));
  await expect(settings.about()).toContainText('E2E-1');
  await expect(settings.about()).toContainText(/Simulator/);
  await expect(settings.about()).toContainText(/holds no patient data/);
  await settings.about().scrollIntoViewIfNeeded();
  await settings.about().screenshot({ path: 'artifacts/screenshots/settings-about.png' });
});

test('the threshold editor refuses limits that make no sense, and saves valid ones', async ({ page }) => {
  await StationPage.prepare(page);
  const patient = new PatientPage(page);
  await patient.openPatient('P004');
  await patient.signInAsCharge(); // thresholds are the charge nurse's (#18)
  await patient.thresholdInput('heartRateMin').fill('130');
  await patient.thresholdInput('heartRateMax').fill('100');
  await patient.saveThresholds();
  await expect(patient.thresholdMessage()).toContainText(/correct/i);
  await expect(patient.thresholdInput('heartRateMin')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('threshold-editor').locator('.field-error').first()).toContainText(
    /below|less|max/i,
  );
  await patient.thresholdInput('heartRateMin').fill('45');
  await patient.thresholdInput('heartRateMax').fill('130');
  await patient.saveThresholds();
  await expect(patient.thresholdMessage()).toContainText(/saved/i);
});
