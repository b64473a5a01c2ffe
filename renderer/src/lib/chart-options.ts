// ECharts options built by pure functions (testable, and components stay small).
import type { Alert, ThresholdLimits, TrendPoint } from '../../../shared/domain/types';
import type { BurdenStats } from '../../../shared/ipc/contract';
import type { ChartColors } from '../composables/use-chart-colors';
import { safeHtml } from './escape-html';
import { formatDate, formatDateTime, formatTime } from './time';
import { VITALS, alertTypeLabel, limitsOf, vitalStatus, type VitalKey } from './vitals';

type Option = Record<string, unknown>;

// Tooltip *function* formatters return HTML that ECharts does not encode: build them with the
// escaping `safeHtml` tag (issue #21). ECharts' default tooltips and string templates ('{b}') encode
// by themselves, and axis/series labels are drawn on the canvas, so those stay raw.

/** ECharts' canvas cannot parse color-mix(); convert #rrggbb to rgba(). */
export function rgba(hex: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

export function timeLabel(from: number, to: number, timeZone: string): (v: number) => string {
  const long = to - from > 24 * 3_600_000;
  return (v: number) =>
    long ? `${formatDate(v, timeZone).slice(5)}\n${formatTime(v, timeZone)}` : formatTime(v, timeZone);
}

export interface VitalChartInput {
  vital: VitalKey;
  points: TrendPoint[];
  limits: ThresholdLimits | null;
  alerts: Alert[];
  from: number;
  to: number;
  timeZone: string;
  colors: ChartColors;
  compact?: boolean;
}

export function vitalChartOption(input: VitalChartInput): Option {
  const { vital, points, limits, alerts, from, to, timeZone, colors, compact } = input;
  const info = VITALS.find((v) => v.key === vital)!;
  const lim = limits ? limitsOf(vital, limits) : { min: null, max: null };
  const avg = points.map((p) => [p.t, p[vital].avg]);
  const lo = points.map((p) => [p.t, p[vital].min]);
  const band = points.map((p) => [p.t, p[vital].max - p[vital].min]);

  const values = points.flatMap((p) => [p[vital].min, p[vital].max]);
  for (const a of alerts) if (a.reading) values.push(a.reading[vital]);
  if (lim.min !== null) values.push(lim.min);
  if (lim.max !== null) values.push(lim.max);
  let yMin = values.length ? Math.min(...values) : 0;
  let yMax = values.length ? Math.max(...values) : 1;
  const pad = Math.max((yMax - yMin) * 0.12, info.decimals ? 0.5 : 2);
  yMin = Math.max(0, Math.floor((yMin - pad) * 10) / 10);
  yMax = Math.ceil((yMax + pad) * 10) / 10;
  if (vital === 'bloodOxygen') yMax = Math.min(100, Math.max(yMax, lim.min !== null ? lim.min + 1 : 100));

  const zones: unknown[] = [];
  if (lim.min !== null && lim.min > yMin) {
    zones.push([{ yAxis: yMin, itemStyle: { color: rgba(colors.critical, 0.13) } }, { yAxis: lim.min }]);
  }
  if (lim.max !== null && lim.max < yMax) {
    zones.push([{ yAxis: lim.max, itemStyle: { color: rgba(colors.critical, 0.13) } }, { yAxis: yMax }]);
  }
  const lines: unknown[] = [];
  if (lim.min !== null) lines.push({ yAxis: lim.min, name: `min ${lim.min}` });
  if (lim.max !== null) lines.push({ yAxis: lim.max, name: `max ${lim.max}` });
  for (const a of alerts) {
    if (a.alertType === 'signal_loss' && a.alertTime >= from && a.alertTime <= to) {
      lines.push({
        xAxis: a.alertTime,
        name: 'signal loss',
        lineStyle: { color: colors.loss, type: 'dotted', width: 2 },
        label: { formatter: 'signal loss', color: colors.loss },
      });
    }
  }
  const marks = alerts
    .filter(
      (a) =>
        a.reading &&
        a.alertTime >= from &&
        a.alertTime <= to &&
        (a.alertType === info.alertType ||
          // a multi-vital alert is pinned only on the charts whose value was out of range
          (a.alertType === 'multi_vital_signs_deterioration' &&
            (!limits || vitalStatus(vital, a.reading![vital], limits) !== 'normal'))),
    )
    .map((a) => ({
      coord: [a.alertTime, a.reading![vital]],
      value: a.reading![vital],
      alertId: a.alertId,
      name: `${a.alertLevel === 2 ? 'Critical' : 'Warning'}: ${alertTypeLabel(a.alertType)}`,
      itemStyle: { color: a.alertLevel === 2 ? colors.critical : colors.warning },
    }));

  const fmt = timeLabel(from, to, timeZone);
  const unit = info.unit;
  return {
    animation: false,
    grid: compact
      ? { left: 40, right: 12, top: 10, bottom: 22 }
      : { left: 52, right: 20, top: 28, bottom: 36 },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const p = points[params[0]?.dataIndex ?? -1];
        if (!p) return '';
        const v = p[vital];
        const d = info.decimals;
        return safeHtml`${formatDateTime(p.t, timeZone)}<br/>${info.name}: <b>${v.avg.toFixed(d)}</b> ${unit}<br/>min ${v.min.toFixed(d)} · max ${v.max.toFixed(d)}`;
      },
    },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      axisLabel: { color: colors.muted, formatter: fmt, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.grid } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: yMin,
      max: yMax,
      name: compact ? undefined : unit,
      nameTextStyle: { color: colors.muted },
      // the padded bounds (e.g. 85.6) would crowd the round tick next to them
      axisLabel: { color: colors.muted, showMinLabel: false, showMaxLabel: false },
      splitLine: { lineStyle: { color: colors.grid, opacity: 0.5 } },
    },
    series: [
      {
        name: 'min',
        type: 'line',
        data: lo,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        silent: true,
        tooltip: { show: false },
      },
      {
        name: 'range',
        type: 'line',
        data: band,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: rgba(colors.accent, 0.18) },
        silent: true,
      },
      {
        name: info.name,
        type: 'line',
        data: avg,
        symbol: 'none',
        showSymbol: false,
        lineStyle: { width: 2, color: colors.accent },
        itemStyle: { color: colors.accent },
        markArea: { silent: true, data: zones },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: colors.critical, type: 'dashed', width: 1.5 },
          label: { color: colors.muted, formatter: '{b}', position: 'insideEndTop' },
          data: lines,
        },
        markPoint: {
          // many alerts: small dots instead of pins that would hide the line
          symbol: marks.length > 20 ? 'circle' : 'pin',
          symbolSize: marks.length > 20 ? 9 : compact ? 26 : 32,
          label: { show: false },
          data: marks,
        },
      },
    ],
  };
}

const TYPE_ORDER = [
  'heart_rate',
  'blood_oxygen',
  'blood_glucose',
  'multi_vital_signs_deterioration',
  'signal_loss',
];

export function burdenOverTimeOption(
  data: BurdenStats,
  timeZone: string,
  colors: ChartColors,
  from: number,
  to: number,
): Option {
  const keys = new Map<string, { type: string; level: number }>();
  for (const r of data.overTime)
    keys.set(`${r.alertType}|${r.alertLevel}`, { type: r.alertType, level: r.alertLevel });
  const sorted = [...keys.entries()].sort(
    ([, a], [, b]) => b.level - a.level || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type),
  );
  const series = sorted.map(([key, { type, level }]) => {
    const typeIdx = Math.max(0, TYPE_ORDER.indexOf(type));
    const base = type === 'signal_loss' ? colors.loss : (colors.series[typeIdx] ?? colors.accent);
    return {
      name: `${alertTypeLabel(type)} · ${level === 2 ? 'critical' : 'warning'}`,
      type: 'bar',
      stack: 'alerts',
      barMaxWidth: 28,
      itemStyle: {
        color: base,
        opacity: level === 2 ? 1 : 0.55,
        borderColor: level === 2 ? colors.critical : undefined,
        borderWidth: level === 2 ? 1 : 0,
      },
      data: data.overTime.filter((r) => `${r.alertType}|${r.alertLevel}` === key).map((r) => [r.t, r.count]),
    };
  });
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 56, bottom: 36 },
    legend: { type: 'scroll', top: 0, textStyle: { color: colors.text } },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      axisLabel: { color: colors.muted, formatter: timeLabel(from, to, timeZone), hideOverlap: true },
      axisLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'value',
      name: 'alerts / hour',
      minInterval: 1,
      nameTextStyle: { color: colors.muted },
      axisLabel: { color: colors.muted },
      splitLine: { lineStyle: { color: colors.grid, opacity: 0.5 } },
    },
    series,
  };
}

export function perBedHeatmapOption(data: BurdenStats, colors: ChartColors, collator: Intl.Collator): Option {
  // reversed: the category axis runs bottom-up, and the first bed belongs at the top
  const beds = [...new Set(data.perBedPerDay.map((r) => r.patientId))].sort(collator.compare).reverse();
  const days = [...new Set(data.perBedPerDay.map((r) => r.day))].sort();
  const bedIdx = new Map(beds.map((b, i) => [b, i]));
  const dayIdx = new Map(days.map((d, i) => [d, i]));
  const max = Math.max(1, ...data.perBedPerDay.map((r) => r.count));
  return {
    animation: false,
    grid: { left: 90, right: 24, top: 16, bottom: 70 },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        safeHtml`${beds[p.value[1]]} · ${days[p.value[0]]}: <b>${p.value[2]}</b> alerts`,
    },
    xAxis: { type: 'category', data: days, axisLabel: { color: colors.muted }, splitArea: { show: true } },
    yAxis: {
      type: 'category',
      data: beds,
      axisLabel: { color: colors.muted, interval: 0, fontSize: beds.length > 40 ? 9 : 12 },
    },
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      textStyle: { color: colors.text },
      inRange: { color: [rgba(colors.accent, 0.08), colors.warning, colors.critical] },
    },
    series: [
      {
        type: 'heatmap',
        data: data.perBedPerDay.map((r) => [dayIdx.get(r.day)!, bedIdx.get(r.patientId)!, r.count]),
        label: { show: beds.length <= 40 && days.length <= 10, color: colors.text },
      },
    ],
  };
}

export function noisiestBedsOption(data: BurdenStats, colors: ChartColors): Option {
  const rows = [...data.noisiestBeds].reverse();
  return {
    animation: false,
    grid: { left: 90, right: 40, top: 8, bottom: 24 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: colors.muted },
      splitLine: { lineStyle: { color: colors.grid, opacity: 0.5 } },
    },
    yAxis: { type: 'category', data: rows.map((r) => r.patientId), axisLabel: { color: colors.text } },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => r.count),
        itemStyle: { color: colors.warning },
        label: { show: true, position: 'right', color: colors.text },
        barMaxWidth: 22,
      },
    ],
  };
}
