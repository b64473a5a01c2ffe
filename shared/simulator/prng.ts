// Small, fast, seedable PRNG. The simulator must give the same readings for the same seed on every
// machine and in both processes (main and renderer), so Math.random is out.

export type Rng = () => number;

/** mulberry32: 32-bit state, period 2^32, good enough for noise and scheduling. Returns [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed and a stream number into an independent 32-bit seed (one stream per bed). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (stream + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [min, max). */
export function between(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

/** Cheap bell-shaped noise, mean 0, standard deviation 1 (Irwin-Hall of 3, rescaled; bounded at ±3). */
export function bell(rng: Rng): number {
  return (rng() + rng() + rng() - 1.5) * 2;
}
