import type { Locator } from '@playwright/test';
import { StationPage } from './station-page';

export class ReviewPage extends StationPage {
  rows(): Locator {
    return this.page.locator('[data-testid^="review-row-"]');
  }

  async filterPatient(text: string): Promise<void> {
    await this.page.getByTestId('review-patient').fill(text);
  }

  exportButton(): Locator {
    return this.page.getByTestId('export-csv-button');
  }
}
