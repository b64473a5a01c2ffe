import { expect, test } from '@playwright/test';
import { StationPage } from './pages/station-page';
import { WardPage } from './pages/ward-page';

test.describe('ward overview', () => {
  for (const theme of ['dark', 'light'] as const) {
    test(`shows every bed live, in simulator mode (${theme})`, async ({ page }) => {
      await StationPage.prepare(page, theme);
      const ward = new WardPage(page);
      await ward.open('/');
      await expect(ward.modeBadge()).toContainText(/simulator/i);
      await expect(ward.tiles()).toHaveCount(12);
      await ward.expectLive();
      // Vitals move without a reload: some bed's heart rate changes within a few seconds.
      const before = await Promise.all(['P004', 'P006', 'P008', 'P010'].map((p) => ward.heartRate(p)));
      await expect
        .poll(
          async () =>
            (await Promise.all(['P004', 'P006', 'P008', 'P010'].map((p) => ward.heartRate(p)))).join('|'),
          {
            timeout: 15_000,
          },
        )
        .not.toBe(before.join('|'));
      // The warm-up left unacknowledged alerts: some beds show them.
      await expect(
        page
          .locator(
            '[data-testid^="bed-tile-"][data-state="warning"], [data-testid^="bed-tile-"][data-state="critical"]',
          )
          .first(),
      ).toBeVisible();
      await ward.screenshot(`ward-${theme}`);
    });
  }

  test('alarm tiles flash on one shared clock, and stay steady with reduced motion', async ({ page }) => {
    await StationPage.prepare(page);
    const ward = new WardPage(page);
    await ward.open('/');
    await ward.expectLive();
    const tile = ward.alarmTile();
    await expect(tile).toBeVisible();
    // level 1 is the slowest (0.5 Hz): 2.5 s sees both its bright and its dim half
    expect((await ward.looksOver(tile, 2500)).size).toBe(2);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect((await ward.looksOver(tile, 2500)).size).toBe(1);
  });

  test('opens a patient from a tile', async ({ page }) => {
    await StationPage.prepare(page);
    const ward = new WardPage(page);
    await ward.open('/');
    await ward.tile('P003').click();
    await expect(page.getByTestId('patient-screen-P003')).toBeVisible();
  });
});
