import { expect, type Locator } from '@playwright/test';
import { StationPage } from './station-page';

export class AlertsPage extends StationPage {
  rows(): Locator {
    return this.page.locator('[data-testid^="alert-row-"]');
  }

  row(alertId: string): Locator {
    return this.page.getByTestId(`alert-row-${alertId}`);
  }

  async rowIds(): Promise<string[]> {
    const ids = await this.rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.replace('alert-row-', ''));
  }

  statCard(name: 'total' | 'pending' | 'confirmed' | 'resolved'): Locator {
    return this.page.getByTestId(`stat-card-${name}`);
  }

  detail(): Locator {
    return this.page.getByTestId('alert-detail');
  }

  async filterStatus(status: 'pending' | 'confirmed' | 'resolved' | 'all'): Promise<void> {
    const control = this.page.getByTestId('alert-filter-status');
    const option = this.page.getByTestId(`filter-status-${status}`);
    if (await option.count()) await option.click();
    else await control.selectOption(status === 'all' ? '' : status);
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('alert-search').fill(text);
  }

  override async open(path = '/#/alerts'): Promise<void> {
    await super.open(path);
    await expect(this.page.getByTestId('alert-list')).toBeVisible();
  }

  async acknowledge(action: 'confirm' | 'resolve', note?: string): Promise<void> {
    if (note !== undefined) await this.page.getByTestId('ack-note').fill(note);
    await this.page.getByTestId(`${action}-button`).click();
  }

  detailStatus(): Locator {
    return this.page.getByTestId('detail-status');
  }
}
