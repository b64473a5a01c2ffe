// Chart colours come from the CSS tokens, so charts follow the light/dark theme.
import { computed } from 'vue';
import { useTheme } from './use-theme';

export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  accent: string;
  critical: string;
  warning: string;
  loss: string;
  ok: string;
  series: string[];
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function useChartColors() {
  const { effective } = useTheme();
  return computed<ChartColors>(() => {
    // re-read when the theme changes
    void effective.value;
    return {
      text: cssVar('--text', '#eef2f6'),
      muted: cssVar('--text-muted', '#a3b0c0'),
      grid: cssVar('--border', '#2f3b4d'),
      surface: cssVar('--surface', '#131921'),
      accent: cssVar('--accent', '#64b5f6'),
      critical: cssVar('--crit-bg', '#d32f2f'),
      warning: cssVar('--warn-bg', '#ffb300'),
      loss: cssVar('--loss-bg', '#00bcd4'),
      ok: cssVar('--ok', '#66bb6a'),
      series:
        effective.value === 'dark'
          ? ['#64b5f6', '#ba68c8', '#4db6ac', '#ffb74d', '#f06292', '#aed581']
          : ['#1565c0', '#7b1fa2', '#00796b', '#e65100', '#c2185b', '#558b2f'],
    };
  });
}
