import { expect, type Locator } from '@playwright/test';
import { StationPage } from './station-page';

export class WardPage extends StationPage {
  tiles(): Locator {
    return this.page.locator('[data-testid^="bed-tile-"]');
  }

  tile(patientId: string): Locator {
    return this.page.getByTestId(`bed-tile-${patientId}`);
  }

  async heartRate(patientId: string): Promise<string> {
    return (await this.tile(patientId).getByTestId('vital-heartRate').innerText()).trim();
  }

  async expectLive(): Promise<void> {
    await expect(this.page.getByTestId('ward-grid')).toBeVisible();
    await expect(this.tiles().first()).not.toHaveAttribute('data-state', 'waiting');
  }
}
