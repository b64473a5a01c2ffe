import type { Locator } from '@playwright/test';
import { StationPage } from './station-page';

export class SettingsPage extends StationPage {
  /** Settings → About */
  about(): Locator {
    return this.page.getByTestId('about');
  }

  dataFolder(): Locator {
    return this.page.getByTestId('about-data-dir');
  }

  logFolder(): Locator {
    return this.page.getByTestId('about-log-dir');
  }
}
