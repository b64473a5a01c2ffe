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

  /** The first tile in an alarm state (level 1 or 2). */
  alarmTile(): Locator {
    return this.page
      .locator(
        '[data-testid^="bed-tile-"][data-state="warning"], [data-testid^="bed-tile-"][data-state="critical"]',
      )
      .first();
  }

  /**
   * The looks a tile shows over `ms` (sampled every 50 ms in the page: its background and how opaque its
   * flash layer, the dim colour laid over it, is) while in the state it had at the start: a bed that
   * changes state meanwhile does not count as flashing.
   */
  async looksOver(tile: Locator, ms: number): Promise<Set<string>> {
    const seen = await tile.evaluate(
      (el, ms) =>
        new Promise<string[]>((resolve) => {
          const state = el.getAttribute('data-state');
          const layer = el.querySelector('.flash-layer');
          const out: string[] = [];
          const end = performance.now() + ms;
          const sample = () => {
            if (el.getAttribute('data-state') === state) {
              const opacity = layer ? getComputedStyle(layer).opacity : 'none';
              out.push(`${getComputedStyle(el).backgroundColor} / dim layer ${opacity}`);
            }
            if (performance.now() < end) setTimeout(sample, 50);
            else resolve(out);
          };
          sample();
        }),
      ms,
    );
    return new Set(seen);
  }

  async expectLive(): Promise<void> {
    await expect(this.page.getByTestId('ward-grid')).toBeVisible();
    await expect(this.tiles().first()).not.toHaveAttribute('data-state', 'waiting');
  }
}
