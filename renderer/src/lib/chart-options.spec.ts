import { describe, expect, it } from 'vitest';
import type { Alert, TrendPoint } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { BurdenStats } from '../../../shared/ipc/contract';
import type { ChartColors } from '../composables/use-chart-colors';
import { burdenOverTimeOption, perBedHeatmapOption, rgba, vitalChartOption } from './chart-options';
import { patientCollator } from './vitals';

const colors: ChartColors = {
  text: '#fff',
  muted: '#aaa',
  grid: '#333',
  surface: '#111',
  accent: '#64b5f6',
  critical: '#d32f2f',
  warning: '#ffb300',
  loss: '#00bcd4',
  ok: '#66bb6a',
  series: ['#1', '#2', '#3', '#4', '#5'],
};
const point = (t: number, hr: number): TrendPoint => ({
  t,
  heartRate: { min: hr - 2, avg: hr, max: hr + 2 },
  bloodOxygen: { min: 95, avg: 96, max: 97 },
  bloodGlucose: { min: 5, avg: 5.5, max: 6 },
});
const alert = (id: string, type: Alert['alertType'], t: number, hr: number, level: 1 | 2 = 1): Alert => ({
  alertId: id,
  patientId: 'P1',
  deviceId: 'D',
  alertTime: t,
  alertType: type,
  alertDetail: '',
  alertLevel: level,
  status: 'pending',
  handleBy: null,
  handleTime: null,
  handleNote: null,
  reading: type === 'signal_loss' ? null : { heartRate: hr, bloodOxygen: 96, bloodGlucose: 5.5 },
});

type Series = {
  markPoint: { data: { alertId: string }[] };
  markArea: { data: unknown[] };
  markLine: { data: unknown[] };
};

describe('vitalChartOption', () => {
  const input = {
    vital: 'heartRate' as const,
    points: [point(0, 80), point(60_000, 130)],
    limits: DEFAULT_THRESHOLDS,
    from: 0,
    to: 120_000,
    timeZone: 'UTC',
    colors,
  };

  it('pins the vital’s own alerts and multi-vital alerts only where that vital was out of range', () => {
    const opt = vitalChartOption({
      ...input,
      alerts: [
        alert('hr', 'heart_rate', 60_000, 130),
        alert('multi-hr-high', 'multi_vital_signs_deterioration', 60_000, 130, 2),
        alert('multi-hr-normal', 'multi_vital_signs_deterioration', 60_000, 80, 2),
        alert('spo2', 'blood_oxygen', 60_000, 80),
        alert('outside', 'heart_rate', 500_000, 140),
      ],
    });
    const main = (opt.series as Series[])[2]!;
    expect(main.markPoint.data.map((d) => d.alertId)).toEqual(['hr', 'multi-hr-high']);
  });

  it('shades both abnormal zones and draws the limits and signal losses', () => {
    const opt = vitalChartOption({ ...input, alerts: [alert('loss', 'signal_loss', 30_000, 0)] });
    const main = (opt.series as Series[])[2]!;
    expect(main.markArea.data).toHaveLength(2);
    expect(main.markLine.data).toEqual([
      { yAxis: 50, name: 'min 50' },
      { yAxis: 120, name: 'max 120' },
      expect.objectContaining({ xAxis: 30_000, name: 'signal loss' }),
    ]);
    const y = opt.yAxis as { min: number; max: number };
    expect(y.min).toBeLessThan(50);
    expect(y.max).toBeGreaterThan(132);
  });

  it('never lets the SpO2 axis pass 100 %', () => {
    const opt = vitalChartOption({ ...input, vital: 'bloodOxygen', alerts: [] });
    expect((opt.yAxis as { max: number }).max).toBeLessThanOrEqual(100);
  });
});

describe('burden charts', () => {
  const data: BurdenStats = {
    overTime: [
      { t: 0, alertType: 'heart_rate', alertLevel: 1, count: 3 },
      { t: 3_600_000, alertType: 'heart_rate', alertLevel: 1, count: 1 },
      { t: 0, alertType: 'multi_vital_signs_deterioration', alertLevel: 2, count: 2 },
    ],
    perBedPerDay: [
      { patientId: 'P10', day: '2026-01-01', count: 2 },
      { patientId: 'P2', day: '2026-01-01', count: 5 },
    ],
    timeToAckMs: { median: 1000, p90: 2000, samples: 3 },
    noisiestBeds: [{ patientId: 'P2', count: 5 }],
  };

  it('stacks one series per type and level, critical first', () => {
    const opt = burdenOverTimeOption(data, 'UTC', colors, 0, 7_200_000);
    const series = opt.series as { name: string; data: unknown[] }[];
    expect(series.map((s) => s.name)).toEqual(['Multiple vitals · critical', 'Heart rate · warning']);
    expect(series[1]!.data).toEqual([
      [0, 3],
      [3_600_000, 1],
    ]);
  });

  it('puts the first bed at the top of the heatmap', () => {
    const opt = perBedHeatmapOption(data, colors, patientCollator);
    expect((opt.yAxis as { data: string[] }).data).toEqual(['P10', 'P2']);
  });

  it('converts hex colours for the canvas', () => {
    expect(rgba('#d32f2f', 0.5)).toBe('rgba(211, 47, 47, 0.5)');
    expect(rgba('red', 0.5)).toBe('red');
  });
});
