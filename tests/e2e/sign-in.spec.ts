// Sign-in per nurse and per window (#18), through the web shell in simulator mode with its demo
// roster: PINs checked, roles enforced on screen, the audit showing who did what, and a second
// browser window that is nobody until its own nurse signs in. Screenshots at a ward PC's 1366×768.
import { expect, test, type Page } from '@playwright/test';
import { AlertsPage } from './pages/alerts-page';
import { PatientPage } from './pages/patient-page';
import { DEMO, StationPage } from './pages/station-page';

const SHOTS = 'docs/screenshots';
test.use({ viewport: { width: 1366, height: 768 } });

/** Confirms the newest pending alert as whoever signs in when asked; returns its patient. */
async function confirmOne(page: Page): Promise<string> {
  const alerts = new AlertsPage(page);
  await alerts.open();
  await alerts.filterStatus('pending');
  await expect(alerts.rows().first()).toBeVisible();
  await alerts.rows().first().click();
  await expect(alerts.detail()).toBeVisible();
  const patient = (await page.getByTestId('detail-patient-link').innerText()).trim();
  await alerts.acknowledge('confirm', 'E2E sign-in check');
  return patient;
}

test.beforeEach(async ({ page }) => {
  await StationPage.prepare(page);
});

test('a wrong PIN is refused with a message, and nobody is signed in', async ({ page }) => {
  const station = new StationPage(page);
  await station.open('/');
  await page.getByTestId('sign-in-button').click();
  const dialog = station.signInDialog();
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('demo-roster')).toContainText('Simulator — demo roster, not for patients');
  for (const m of Object.values(DEMO)) {
    await expect(page.getByTestId(`demo-roster-${m.nurseId}`)).toContainText(m.name);
    await expect(page.getByTestId(`demo-roster-${m.nurseId}`)).toContainText(m.pin);
  }
  await expect(page.getByTestId('sign-in-pin')).toHaveAttribute('type', 'password');
  await expect(page.getByTestId('sign-in-pin')).toHaveAttribute('autocomplete', 'off');
  await station.screenshot('sign-in-dialog-dark', SHOTS);

  await station.fillSignIn(DEMO.nurse2.nurseId, '0000');
  await expect(page.getByTestId('sign-in-error')).toContainText(/not recognised/i);
  await expect(page.getByTestId('sign-in-error')).toHaveAttribute('data-kind', 'refused');
  await expect(page.getByTestId('sign-in-pin')).toHaveValue('');
  await station.screenshot('sign-in-refused-dark', SHOTS);
  await page.getByTestId('sign-in-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(station.nurseName()).toBeHidden();
  await expect(page.getByTestId('sign-in-button')).toBeVisible();
});

test('a nurse acknowledges an alert, and the review screen shows her name', async ({ page }) => {
  const patient = await confirmOne(page);
  const station = new StationPage(page);
  // nobody was signed in: the acknowledgement asked who is acknowledging
  await expect(station.signInDialog()).toBeVisible();
  await station.signIn();
  await expect(page.getByTestId('detail-status')).toContainText(/confirmed/i);
  await expect(page.getByTestId('ack-outcome')).toContainText('Li Na');
  await expect(page.getByTestId('nurse-role')).toHaveText(/nurse/i);
  await station.screenshot('header-signed-in-dark', SHOTS);
  await page.locator('header.app-header').screenshot({ path: `${SHOTS}/header-signed-in-strip-dark.png` });

  await station.goTo('review');
  await page.getByTestId('review-patient').fill(patient);
  const row = page.locator('[data-testid^="review-row-"]').filter({ hasText: 'E2E sign-in check' }).first();
  await expect(row).toContainText('Li Na');
  await expect(row).toContainText('N1001');
  await expect(row).toContainText('Confirmed');
});

test('a nurse sees threshold editing disabled: "Charge nurse only"', async ({ page }) => {
  const patient = new PatientPage(page);
  await patient.openPatient('P004');
  await patient.signIn();
  const editor = page.getByTestId('threshold-editor');
  await expect(editor.getByTestId('charge-only')).toContainText('Charge nurse only');
  await expect(editor.getByTestId('charge-only')).toContainText('Li Na is signed in as a nurse');
  await expect(patient.thresholdInput('heartRateMin')).toBeDisabled();
  await expect(page.getByTestId('threshold-save')).toBeDisabled();
  await editor.scrollIntoViewIfNeeded();
  await patient.screenshot('thresholds-nurse-locked-dark', SHOTS);
  // the charge nurse signs in from the note itself, and may edit
  await editor.getByTestId('charge-sign-in').click();
  await patient.signIn(DEMO.charge.nurseId);
  await expect(editor.getByTestId('charge-only')).toBeHidden();
  await expect(patient.thresholdInput('heartRateMin')).toBeEnabled();
});

test('the charge nurse opens the Audit screen and sees the sign-ins and the acknowledgement', async ({
  page,
}) => {
  const station = new StationPage(page);
  const patient = await confirmOne(page);
  await station.signIn(); // Li Na acknowledges
  await expect(page.getByTestId('detail-status')).toContainText(/confirmed/i);

  await station.goTo('audit');
  await expect(page.getByTestId('audit-charge-only')).toContainText(
    'Audit is for the charge nurse — sign in as charge nurse',
  );
  await page.getByTestId('audit-sign-in').click();
  await station.signIn(DEMO.charge.nurseId);
  const table = page.getByTestId('audit-table');
  await expect(table).toBeVisible();
  const rows = page.getByTestId('audit-row');
  await expect(
    rows.filter({ hasText: 'Maria Santos' }).filter({ hasText: 'Signed in' }).first(),
  ).toBeVisible();
  await expect(rows.filter({ hasText: 'Li Na' }).filter({ hasText: 'Signed in' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'Li Na' }).filter({ hasText: 'Confirmed' }).first()).toBeVisible();
  // the row hash, shortened to 12 hex digits
  await expect(rows.first().locator('.hash')).toHaveText(/^[0-9a-f]{12}$/);
  await station.screenshot('audit-dark', SHOTS);

  await page.getByTestId('audit-kind-acknowledgement').click();
  await expect(rows.first()).toHaveAttribute('data-kind', 'acknowledgement');
  await expect(rows.filter({ hasText: 'Li Na' }).filter({ hasText: patient }).first()).toBeVisible();
  await page.getByTestId('audit-kind-access').click();
  await page.getByTestId('audit-nurse').fill(DEMO.charge.nurseId);
  await expect(rows.first()).toHaveAttribute('data-kind', 'access');
  for (const text of await rows.allInnerTexts()) expect(text).toContain('C1001');
});

test('the charge nurse sees the roster editor', async ({ page }) => {
  const station = new StationPage(page);
  await station.open('/#/settings');
  const roster = page.getByTestId('roster-editor');
  await expect(roster.getByTestId('charge-only')).toContainText('Charge nurse only');
  await station.signInAsCharge();
  for (const m of Object.values(DEMO))
    await expect(roster.getByTestId(`roster-row-${m.nurseId}`)).toContainText(m.name);
  await roster.getByTestId('roster-add').click();
  await expect(page.getByTestId('roster-new-form')).toBeVisible();
  await page.getByTestId('roster-new-form').scrollIntoViewIfNeeded();
  await roster.scrollIntoViewIfNeeded();
  await station.screenshot('roster-editor-dark', SHOTS);
  await roster.screenshot({ path: `${SHOTS}/roster-editor-card-dark.png` });
  await page.getByTestId('roster-cancel').click();
});

test('two browser windows on one station: signing in on one does not sign in the other', async ({
  browser,
}) => {
  test.setTimeout(120_000); // two pages, each its own connection and sign-in
  const options = { viewport: { width: 1366, height: 768 }, timezoneId: 'UTC' };
  const [a, b] = await Promise.all([browser.newContext(options), browser.newContext(options)]);
  try {
    const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()]);
    await Promise.all([StationPage.prepare(pageA), StationPage.prepare(pageB)]);
    const one = new StationPage(pageA);
    const two = new StationPage(pageB);
    await one.open('/');
    await two.open('/');
    await one.signIn();
    await expect(one.nurseName()).toContainText('Li Na');
    // the other window is nobody (the bug: it was already "On station Li Na")
    await pageB.reload();
    await expect(two.modeBadge()).toBeVisible();
    await expect(pageB.getByTestId('sign-in-button')).toBeVisible();
    await expect(two.nurseName()).toBeHidden();
    // ... and acknowledging there asks for its own sign-in
    await confirmOne(pageB);
    await expect(two.signInDialog()).toBeVisible();
    await two.signIn(DEMO.nurse2.nurseId);
    await expect(pageB.getByTestId('ack-outcome')).toContainText('Sam Okafor');
    // the first window still has its own nurse
    await expect(one.nurseName()).toContainText('Li Na');
    await pageA.reload(); // a new connection is a new session: nobody until she signs in again
    await expect(one.modeBadge()).toBeVisible();
    await expect(pageA.getByTestId('sign-in-button')).toBeVisible();
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
