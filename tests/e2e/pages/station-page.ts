import { expect, type Locator, type Page } from '@playwright/test';

export type Screen = 'ward' | 'alerts' | 'statistics' | 'review' | 'settings';
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

  /** Signs in through the header (or the dialog an acknowledgement opens). */
  async signIn(nurse: string): Promise<void> {
    const dialog = this.page.getByTestId('sign-in-dialog');
    if (!(await dialog.isVisible())) {
      await this.signOut();
      await this.page.getByTestId('sign-in-button').click();
    }
    await this.page.getByTestId('nurse-name-input').fill(nurse);
    await this.page.getByTestId('sign-in-submit').click();
    await expect(this.page.getByTestId('nurse-name')).toContainText(nurse);
  }

  /** The station is shared: whoever a previous test signed in is signed out. */
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

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: false });
  }
}
