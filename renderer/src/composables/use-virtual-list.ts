// Fixed-row-height virtualization: only the rows in view (plus a little overscan) exist in the DOM,
// so a list of 100,000 alerts scrolls like a list of 30.
import { computed, nextTick, onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export interface VirtualWindow {
  start: number;
  end: number;
  offset: number;
  total: number;
}

/** Pure: which rows to render for a scroll position. */
export function visibleWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewport: number,
  overscan: number,
): VirtualWindow {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visible = Math.ceil(viewport / rowHeight) + 2 * overscan;
  const end = Math.min(count, first + visible);
  const start = Math.min(first, end);
  return { start, end, offset: start * rowHeight, total: count * rowHeight };
}

export function useVirtualList(opts: {
  container: Ref<HTMLElement | null>;
  count: Ref<number>;
  rowHeight: number;
  overscan?: number;
}) {
  const scrollTop = ref(0);
  const viewport = ref(600);
  let observer: ResizeObserver | null = null;

  const win = computed(() =>
    visibleWindow(opts.count.value, opts.rowHeight, scrollTop.value, viewport.value, opts.overscan ?? 6),
  );

  function onScroll(): void {
    const el = opts.container.value;
    if (el) scrollTop.value = el.scrollTop;
  }

  /** Keeps row `index` fully in view (for keyboard navigation). */
  function scrollToIndex(index: number): void {
    const el = opts.container.value;
    if (!el || index < 0) return;
    const top = index * opts.rowHeight;
    const bottom = top + opts.rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
    scrollTop.value = el.scrollTop;
  }

  /**
   * Shift the scroll position because rows were inserted above the ones in view. The window moves
   * now (same render as the new rows); the element follows once the spacer has grown.
   */
  function scrollBy(px: number): void {
    scrollTop.value = Math.max(0, scrollTop.value + px);
    const target = scrollTop.value;
    void nextTick(() => {
      const el = opts.container.value;
      if (el) el.scrollTop = target;
    });
  }

  onMounted(() => {
    const el = opts.container.value;
    if (!el) return;
    viewport.value = el.clientHeight || 600;
    observer = new ResizeObserver(() => {
      viewport.value = el.clientHeight || viewport.value;
    });
    observer.observe(el);
  });
  onBeforeUnmount(() => observer?.disconnect());

  return { window: win, scrollTop, onScroll, scrollToIndex, scrollBy };
}
