// Deterministic, realistic-looking demo usage: a weekday/weekend rhythm, a
// daily curve that peaks in the (UTC) afternoon, and some noise. Pure.

/** A small seeded PRNG (mulberry32), so that the demo is the same every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DailyVolume {
  weekday: number;
  weekend: number;
}

// Share of a day's traffic in each UTC hour: quiet nights, busy afternoons.
const HOURLY_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 9, 10, 10, 10, 9, 8, 6, 5, 4, 3, 3, 2];
const WEIGHT_SUM = HOURLY_WEIGHTS.reduce((sum, w) => sum + w, 0);

/** Operations of one type in the hour starting at `hour`. Whole numbers only. */
export function operationsInHour(hour: Date, volume: DailyVolume, random: () => number): number {
  const day = hour.getUTCDay();
  const daily = day === 0 || day === 6 ? volume.weekend : volume.weekday;
  const share = HOURLY_WEIGHTS[hour.getUTCHours()]! / WEIGHT_SUM;
  const noise = 0.75 + random() * 0.5;
  const expected = daily * share * noise;
  // Small volumes (training runs) happen now and then rather than fractionally.
  if (expected < 1) return random() < expected ? 1 : 0;
  return Math.round(expected);
}
