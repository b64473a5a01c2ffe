import { describe, expect, it } from 'vitest';
import type { Alert, TrendPoint } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { BurdenStats } from '../../../shared/ipc/contract';
import type { ChartColors } from '../composables/use-chart-colors';
import * as chartOptions from './chart-options';
import {
  burdenOverTimeOption,
  noisiestBedsOption,
  perBedHeatmapOption,
  rgba,
  vitalChartOption,
} from './chart-options';
import { escapeHtml, safeHtml } from './escape-html';
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

// Issue #21: ECharts puts a tooltip formatter's return value into the page as HTML (renderMode
// 'html', the default). Its own default markup and string templates are encoded by ECharts
// (tooltipMarkup.js / formatTpl(..., encode=true)); canvas labels are not HTML. So every *function*
// tooltip formatter must escape what it interpolates.
describe('ECharts tooltips escape the data they show', () => {
  const HOSTILE = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '&amp;', `'&"<>`];
  const hostileStats: BurdenStats = {
    overTime: HOSTILE.map((h, i) => ({
      t: i * 3_600_000,
      alertType: h,
      alertLevel: 1 + (i % 2),
      count: i + 1,
    })),
    perBedPerDay: HOSTILE.flatMap((h, i) => [
      { patientId: h, day: '2026-01-01', count: i + 1 },
      { patientId: `P${i}`, day: h, count: i + 2 },
    ]),
    timeToAckMs: { median: 1000, p90: 2000, samples: 3 },
    noisiestBeds: HOSTILE.map((h, i) => ({ patientId: h, count: i + 1 })),
  };
  const hostileAlert = (h: string, i: number): Alert => ({
    ...alert(`${h}-${i}`, 'heart_rate', 30_000 + i, 130),
    patientId: h,
    deviceId: h,
    alertDetail: h,
    handleBy: h,
    handleNote: h,
  });

  type Formatter = (params: unknown) => unknown;
  type Case = {
    build: () => Record<string, unknown>;
    /** realistic formatter params, as ECharts passes them for this chart's tooltip */
    params: (opt: Record<string, unknown>) => unknown[];
    /** what the tooltip must show, escaped (proves the data is shown, not dropped) */
    shows?: string[];
  };
  const seriesData = (opt: Record<string, unknown>, i = 0) =>
    ((opt.series as { data: unknown[] }[])[i]?.data ?? []) as unknown[];

  const CASES_INPUT = {
    vital: 'heartRate' as const,
    points: [point(0, 80), point(60_000, 130)],
    limits: DEFAULT_THRESHOLDS,
    from: 0,
    to: 120_000,
    timeZone: 'UTC',
    colors,
  };
  const CASES: Record<string, Case> = {
    vitalChartOption: {
      build: () => vitalChartOption({ ...CASES_INPUT, alerts: HOSTILE.map(hostileAlert) }),
      params: (opt) =>
        seriesData(opt, 2).map((value, dataIndex) => [
          {
            componentType: 'series',
            seriesIndex: 2,
            seriesName: 'Heart rate',
            dataIndex,
            value,
            axisValue: 0,
          },
        ]),
    },
    burdenOverTimeOption: {
      build: () => burdenOverTimeOption(hostileStats, 'UTC', colors, 0, 4 * 3_600_000),
      params: () => [],
    },
    perBedHeatmapOption: {
      build: () => perBedHeatmapOption(hostileStats, colors, patientCollator),
      params: (opt) =>
        seriesData(opt).map((value, dataIndex) => ({
          componentType: 'series',
          seriesType: 'heatmap',
          seriesIndex: 0,
          seriesName: 'series\u00000',
          dataIndex,
          data: value,
          value,
          name: '',
        })),
      shows: ['&lt;img src=x onerror=alert(1)&gt;', '&quot;&gt;&lt;svg onload=alert(1)&gt;', '&amp;amp;'],
    },
    noisiestBedsOption: {
      build: () => noisiestBedsOption(hostileStats, colors),
      params: () => [],
    },
  };

  /** every `tooltip` object in an option tree (top level, series, markers...) */
  function tooltips(
    node: unknown,
    inTooltip = false,
    out: Record<string, unknown>[] = [],
  ): Record<string, unknown>[] {
    if (Array.isArray(node)) for (const n of node) tooltips(n, false, out);
    else if (node && typeof node === 'object') {
      if (inTooltip) out.push(node as Record<string, unknown>);
      for (const [k, v] of Object.entries(node)) tooltips(v, k === 'tooltip', out);
    }
    return out;
  }

  it('escapes HTML metacharacters, in values only when tagged', () => {
    expect(escapeHtml(`<a href="x">'&amp;'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;',
    );
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(3)).toBe('3');
    expect(safeHtml`<b>${'<i>'}</b> ${undefined}${1}`).toBe('<b>&lt;i&gt;</b> 1');
  });

  it('keeps the tooltips of ordinary data as they were', () => {
    type Tip = { tooltip: { formatter: (p: unknown) => string } };
    const vital = vitalChartOption({ ...CASES_INPUT, alerts: [] }) as Tip;
    expect(vital.tooltip.formatter([{ dataIndex: 0 }])).toBe(
      '1970-01-01 00:00:00<br/>Heart rate: <b>80</b> bpm<br/>min 78 · max 82',
    );
    const heat = perBedHeatmapOption(
      { ...hostileStats, perBedPerDay: [{ patientId: 'P1', day: '2026-01-01', count: 4 }] },
      colors,
      patientCollator,
    ) as Tip;
    expect(heat.tooltip.formatter({ value: [0, 0, 4] })).toBe('P1 · 2026-01-01: <b>4</b> alerts');
  });

  it('covers every chart builder', () => {
    const builders = Object.entries(chartOptions)
      .filter(([name, v]) => typeof v === 'function' && name.endsWith('Option'))
      .map(([name]) => name)
      .sort();
    expect(builders).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: no function formatter lets markup from the data through`, () => {
      const opt = c.build();
      const tips = tooltips(opt);
      for (const tip of tips) {
        // the escaping here assumes HTML tooltips with ECharts' own encoding left on
        expect(tip.encodeHTMLContent).not.toBe(false);
        expect(tip.renderMode ?? 'html').toBe('html');
      }
      const fns = tips.map((t) => t.formatter).filter((f): f is Formatter => typeof f === 'function');
      const params = c.params(opt);
      // a function formatter needs params here, or it goes untested
      if (fns.length) expect(params.length).toBeGreaterThan(0);
      const outputs: string[] = [];
      for (const f of fns) {
        for (const p of params) {
          const out = String(f(structuredClone(p)));
          outputs.push(out);
          // only the formatter's own markup may remain
          const text = out.replace(/<br\/>|<\/?b>/g, '');
          expect(text).not.toMatch(/[<>]/);
          expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
          expect(text).not.toMatch(/["']/);
        }
      }
      for (const s of c.shows ?? []) expect(outputs.join('\n')).toContain(s);
    });
  }
});
