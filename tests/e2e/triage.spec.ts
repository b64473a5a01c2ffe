import { expect, test } from '@playwright/test';
import { AlertsPage } from './pages/alerts-page';
import { ReviewPage } from './pages/review-page';
import { StationPage } from './pages/station-page';

test.describe('alert triage', () => {
  test('a new alert arrives live, is announced, confirmed, resolved and shows up in Review', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await StationPage.prepare(page);
    const alerts = new AlertsPage(page);
    await alerts.open();
    await alerts.signOut();
    await expect(alerts.rows().first()).toBeVisible();
    await expect(alerts.statCard('total')).toBeVisible();
    const initial = new Set(await alerts.rowIds());

    // A live alert: a row that was not there when the page loaded, without any reload.
    let fresh = '';
    await expect
      .poll(
        async () => {
          fresh = (await alerts.rowIds()).find((id) => !initial.has(id)) ?? '';
          return fresh;
        },
        { timeout: 150_000, intervals: [1000] },
      )
      .not.toBe('');
    // ... and it was announced: an in-app toast, or a browser notification when the page is not in focus.
    await expect
      .poll(
        async () =>
          (await page.locator('[data-testid^="toast-"]').count()) + (await alerts.notifications()).length,
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(0);
    await alerts.screenshot('alerts-live-dark');

    await alerts.row(fresh).click();
    await expect(alerts.detail()).toBeVisible();
    const patient = (await page.getByTestId('detail-patient-link').innerText()).trim();
    await alerts.acknowledge('confirm');
    // Nobody is signed in yet: the station asks who is acknowledging.
    await expect(alerts.signInDialog()).toBeVisible();
    await alerts.signIn();
    if ((await alerts.detailStatus().innerText()).toLowerCase().includes('pending'))
      await alerts.acknowledge('confirm');
    await expect(alerts.detailStatus()).toContainText(/confirmed/i);
    await alerts.screenshot('alerts-confirmed-dark');
    await alerts.acknowledge('resolve', 'Sensor repositioned, patient comfortable');
    await expect(alerts.detailStatus()).toContainText(/resolved/i);

    await alerts.goTo('review');
    const review = new ReviewPage(page);
    // other tests acknowledge on the same station: this alert's two are the patient's newest
    await review.filterPatient(patient);
    await expect(review.rows().filter({ hasText: 'Sensor repositioned' })).toHaveCount(1);
    await expect(review.rows().nth(0)).toContainText('Resolved');
    await expect(review.rows().nth(1)).toContainText('Confirmed');
    for (const i of [0, 1]) {
      await expect(review.rows().nth(i)).toContainText('Li Na');
      await expect(review.rows().nth(i)).toContainText('N1001');
    }
    await expect(page.locator('[data-testid="sync-synced"]').first()).toBeVisible();
    await review.screenshot('review-dark');
  });

  test('keyboard triage: j/k move, c confirms', async ({ page }) => {
    await StationPage.prepare(page);
    const alerts = new AlertsPage(page);
    await alerts.open();
    await alerts.signIn('N1002');
    await alerts.filterStatus('pending');
    await expect(alerts.rows().first()).toBeVisible();
    await page.keyboard.press('j');
    await expect(alerts.detail()).toBeVisible();
    await page.keyboard.press('c');
    await expect(alerts.detailStatus()).toContainText(/confirmed/i);
  });
});
