import { expect, type Locator } from '@playwright/test';
import { StationPage } from './station-page';

export class PatientPage extends StationPage {
  async openPatient(patientId: string): Promise<void> {
    await this.open(`/#/patients/${patientId}`);
    await expect(this.page.getByTestId(`patient-screen-${patientId}`)).toBeVisible();
  }

  chart(vital: 'heartRate' | 'bloodOxygen' | 'bloodGlucose'): Locator {
    return this.page.getByTestId(`chart-${vital}`);
  }

  thresholdInput(key: string): Locator {
    return this.page.getByTestId(`threshold-${key}`);
  }

  async saveThresholds(): Promise<void> {
    await this.page.getByTestId('threshold-save').click();
  }

  thresholdMessage(): Locator {
    return this.page.getByTestId('threshold-message');
  }
}
