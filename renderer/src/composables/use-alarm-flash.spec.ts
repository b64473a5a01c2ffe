import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import {
  FLASH_KEYFRAMES,
  FLASH_PERIOD_MS,
  startFlash,
  useFlashLayer,
  useReducedMotion,
  type Animatable,
  type FlashAnimation,
  type FlashLevel,
} from './use-alarm-flash';

/** An element whose animate() records what it was asked for. */
function fakeLayer() {
  const started: { keyframes: Keyframe[]; options: KeyframeAnimationOptions; animation: FlashAnimation }[] =
    [];
  const layer: Animatable = {
    animate(keyframes, options) {
      const animation = { startTime: null as CSSNumberish | null, cancel: vi.fn() };
      started.push({ keyframes, options, animation });
      return animation;
    },
  };
  return { layer, started };
}

describe('startFlash', () => {
  it('shows the dim layer for the second half of each period: level 2 at 2 Hz, level 1 at 0.5 Hz', () => {
    const { layer, started } = fakeLayer();
    startFlash(layer, 'critical');
    startFlash(layer, 'warning');
    expect(started.map((s) => s.options)).toEqual([
      { duration: FLASH_PERIOD_MS.critical, iterations: Infinity },
      { duration: FLASH_PERIOD_MS.warning, iterations: Infinity },
    ]);
    expect(FLASH_PERIOD_MS).toEqual({ critical: 500, warning: 2000 });
    // opacity is 0 (bright) up to half the period, then 1 (dim): a hard edge, no fade
    expect(FLASH_KEYFRAMES.map((k) => [k.offset, k.opacity])).toEqual([
      [0, 0],
      [0.5, 0],
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('starts every flash at the timeline origin, so all tiles blink in phase', () => {
    const { layer, started } = fakeLayer();
    startFlash(layer, 'critical');
    startFlash(layer, 'critical');
    expect(started.map((s) => s.animation.startTime)).toEqual([0, 0]);
  });

  it('does nothing where the Web Animations API is missing', () => {
    expect(startFlash({}, 'critical')).toBeNull();
  });
});

describe('useFlashLayer', () => {
  afterEach(() => {
    useReducedMotion().value = false;
  });

  function host(level: () => FlashLevel | null) {
    const { layer, started } = fakeLayer();
    const el = ref<Animatable | null>(layer);
    const scope = effectScope();
    scope.run(() => useFlashLayer(el, level));
    const wrapper = { unmount: () => scope.stop() };
    return { wrapper, started };
  }

  it('restarts only when the level changes, and stops when the alarm ends or the tile goes', async () => {
    const level = ref<FlashLevel | null>('warning');
    const { wrapper, started } = host(() => level.value);
    await nextTick();
    expect(started.map((s) => s.options.duration)).toEqual([2000]);
    level.value = 'critical';
    await nextTick();
    expect(started.map((s) => s.options.duration)).toEqual([2000, 500]);
    expect(started[0]!.animation.cancel).toHaveBeenCalledOnce();
    level.value = null;
    await nextTick();
    expect(started[1]!.animation.cancel).toHaveBeenCalledOnce();
    expect(started).toHaveLength(2);
    level.value = 'critical';
    await nextTick();
    wrapper.unmount();
    expect(started[2]!.animation.cancel).toHaveBeenCalledOnce();
  });

  it('keeps the tile steady while the system asks for reduced motion', async () => {
    const { started } = host(() => 'critical');
    await nextTick();
    expect(started).toHaveLength(1);
    useReducedMotion().value = true;
    await nextTick();
    expect(started[0]!.animation.cancel).toHaveBeenCalledOnce();
    expect(started).toHaveLength(1);
    useReducedMotion().value = false;
    await nextTick();
    expect(started).toHaveLength(2);
  });
});
