import { expect, type Locator, type Page } from '@playwright/test';

export type Screen = 'ward' | 'alerts' | 'statistics' | 'review' | 'audit' | 'settings';

/** Simulator mode's published demo roster (the sign-in dialog lists it). */
export const DEMO = {
  nurse: { nurseId: 'N1001', pin: '1234', name: 'Li Na' },
  nurse2: { nurseId: 'N1002', pin: '2345', name: 'Sam Okafor' },
  charge: { nurseId: 'C1001', pin: '9876', name: 'Maria Santos' },
} as const;
export type Theme = 'light' | 'dark';

/** What every screen shares: header, navigation, sign-in, notifications, screenshots. */
export class StationPage {
  constructor(readonly page: Page) {}

  /** Records browser notifications instead of showing them, and fixes the theme before the app starts. */
  static async prepare(page: Page, theme: Theme = 'dark'): Promise<void> {
    await page.addInitScript((t) => {
      localStorage.setItem('nurse-station.theme', t);
      const shown: { title: string; body: string; tag?: string }[] = [];
      (window as unknown as { __notifications: typeof shown }).__notifications = shown;
      class RecordingNotification {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, opts: { body?: string; tag?: string } = {}) {
          shown.push({ title, body: opts.body ?? '', tag: opts.tag });
        }
        close() {}
        addEventListener() {}
      }
      (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
    }, theme);
  }

  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByTestId('mode-badge')).toBeVisible();
  }

  nav(screen: Screen): Locator {
    return this.page.getByTestId(`nav-${screen}`);
  }

  async goTo(screen: Screen): Promise<void> {
    await this.nav(screen).click();
  }

  modeBadge(): Locator {
    return this.page.getByTestId('mode-badge');
  }

  /** Signs in through the header (or the dialog an acknowledgement opens) with identifier and PIN. */
  async signIn(nurseId: string = DEMO.nurse.nurseId, pin?: string): Promise<void> {
    const member = Object.values(DEMO).find((m) => m.nurseId === nurseId);
    await this.fillSignIn(nurseId, pin ?? member?.pin ?? '');
    await expect(this.signInDialog()).toBeHidden();
    if (member) await expect(this.nurseName()).toContainText(member.name);
  }

  /** The demo roster's charge nurse, Maria Santos (C1001). */
  async signInAsCharge(): Promise<void> {
    await this.signIn(DEMO.charge.nurseId, DEMO.charge.pin);
    await expect(this.page.getByTestId('nurse-role')).toHaveText(/charge/i);
  }

  /** Opens the dialog when it is not open (from the header) and types as a nurse or a badge reader does. */
  async fillSignIn(nurseId: string, pin: string): Promise<void> {
    const dialog = this.signInDialog();
    if (!(await dialog.isVisible())) {
      await this.signOut();
      await this.page.getByTestId('sign-in-button').click();
    }
    await expect(dialog).toBeVisible();
    // Enter in the identifier moves to the PIN, Enter in the PIN signs in
    await this.page.getByTestId('sign-in-id').fill(nurseId);
    await this.page.getByTestId('sign-in-id').press('Enter');
    await expect(this.page.getByTestId('sign-in-pin')).toBeFocused();
    await this.page.getByTestId('sign-in-pin').fill(pin);
    await this.page.getByTestId('sign-in-pin').press('Enter');
  }

  signInDialog(): Locator {
    return this.page.getByTestId('sign-in-dialog');
  }

  nurseName(): Locator {
    return this.page.getByTestId('nurse-name');
  }

  /** Sign-in is per window: whoever a previous step signed in here is signed out. */
  async signOut(): Promise<void> {
    const signOut = this.page.getByTestId('sign-out-button');
    if (await signOut.isVisible()) {
      await signOut.click();
      await expect(this.page.getByTestId('sign-in-button')).toBeVisible();
    }
  }

  async notifications(): Promise<{ title: string; body: string }[]> {
    return this.page.evaluate(
      () => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications,
    );
  }

  async screenshot(name: string, dir = 'artifacts/screenshots'): Promise<void> {
    await this.page.screenshot({ path: `${dir}/${name}.png`, fullPage: false });
  }
}
