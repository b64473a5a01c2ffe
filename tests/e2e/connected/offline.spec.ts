import { expect, test } from '@playwright/test';
import { createConnection } from 'mysql2/promise';
import { CONTROL_PORT } from '../../../playwright.config';
import { AlertsPage } from '../pages/alerts-page';
import { ReviewPage } from '../pages/review-page';
import { StationPage } from '../pages/station-page';

const control = (path: string) => fetch(`http://127.0.0.1:${CONTROL_PORT}${path}`, { method: 'POST' });

test('the alert store goes offline mid-shift: banner, acknowledgements cached, synced when it is back', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await StationPage.prepare(page);
  const alerts = new AlertsPage(page);
  await alerts.open();
  await expect(alerts.modeBadge()).toContainText(/connected/i);
  // the ward's roster in MySQL, seeded with the demo roster's credentials (support/connected-station.ts)
  await alerts.signIn();
  await alerts.filterStatus('pending');
  await expect(alerts.rows().first()).toBeVisible({ timeout: 30_000 });
  const [first, second] = (await alerts.rowIds()).slice(0, 2);

  await control('/mysql/down');
  const cutAt = Date.now();
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 10_000 });
  const bannerAfterMs = Date.now() - cutAt;
  await alerts.screenshot('connected-offline-dark');

  for (const id of [first!, second!]) {
    await alerts.row(id).click();
    await alerts.acknowledge('confirm', 'checked at bedside');
    await expect(page.getByTestId('ack-outcome')).toContainText(/station|sync/i);
  }
  await alerts.goTo('review');
  const review = new ReviewPage(page);
  await expect(review.rows()).toHaveCount(2);
  await expect(page.locator('[data-testid="sync-retrying"], [data-testid="sync-pending"]')).toHaveCount(2);
  await review.screenshot('connected-review-unsynced-dark');

  await control('/mysql/up');
  await expect(page.getByTestId('offline-banner')).toBeHidden({ timeout: 15_000 });
  await expect(page.locator('[data-testid="sync-synced"]')).toHaveCount(2, { timeout: 15_000 });

  const info = (await (await fetch(`http://127.0.0.1:${CONTROL_PORT}/info`)).json()) as {
    mysql: { host: string; port: number; user: string; password: string; database: string };
  };
  const db = await createConnection(info.mysql);
  const [rows] = await db.query(
    'SELECT alert_id, status, handle_by FROM alerts WHERE alert_id IN (?, ?) ORDER BY alert_id',
    [first, second],
  );
  const [events] = await db.query(
    "SELECT count(*) AS n FROM alert_events WHERE alert_id IN (?, ?) AND outcome = 'applied'",
    [first, second],
  );
  await db.end();
  expect(rows).toEqual(
    [first, second].sort().map((id) => ({ alert_id: id, status: 'confirmed', handle_by: 'Li Na' })),
  );
  expect(events).toEqual([{ n: 2 }]);
  test.info().annotations.push({ type: 'offline banner after', description: `${bannerAfterMs} ms` });
});
