// Picks the tile size for the ward grid: the largest tiles that show every bed without scrolling,
// within readable bounds (below the minimum the grid scrolls rather than shrink further).

export interface TileLayout {
  width: number;
  height: number;
  columns: number;
  fits: boolean;
}

export const TILE_ASPECT = 0.78; // height / width
/** Large wards: flatter tiles (sparklines and units drop out) so 200 beds still fit a 1080p screen. */
export const COMPACT_ASPECT = 0.5;
export const MIN_TILE_WIDTH = 104;
export const MAX_TILE_WIDTH = 460;
const COMFORT_MIN_WIDTH = 150;

export function tileLayout(count: number, areaWidth: number, areaHeight: number, gap: number): TileLayout {
  const roomy = fit(count, areaWidth, areaHeight, gap, TILE_ASPECT);
  if (roomy.width >= COMFORT_MIN_WIDTH) return roomy;
  const compact = fit(count, areaWidth, areaHeight, gap, COMPACT_ASPECT);
  return compact.fits || compact.width > roomy.width ? compact : roomy;
}

function fit(count: number, areaWidth: number, areaHeight: number, gap: number, aspect: number): TileLayout {
  const n = Math.max(1, count);
  let best = { width: 0, columns: 1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const byWidth = (areaWidth - (cols - 1) * gap) / cols;
    const byHeight = (areaHeight - (rows - 1) * gap) / rows / aspect;
    const w = Math.min(byWidth, byHeight);
    if (w > best.width) best = { width: w, columns: cols };
  }
  const width = Math.floor(Math.max(MIN_TILE_WIDTH, Math.min(MAX_TILE_WIDTH, best.width)));
  const columns = Math.max(1, Math.floor((areaWidth + gap) / (width + gap)));
  return {
    width,
    height: Math.floor(width * aspect),
    columns,
    fits: best.width >= MIN_TILE_WIDTH,
  };
}
