/** A seeded pseudo-random source. Every generator takes one, so a run is reproducible from its seed. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** n decimal digits, the first one non-zero. */
  digits(n: number): string;
  bytes(n: number): Buffer;
  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  fork(label: string): Rng;
}

/** Seeds sfc32 (small, fast, passes PractRand) from a number or string via cyrb128 string hashing. */
export function createRng(seed: number | string): Rng {
  const key = String(seed);
  let [a, b, c, d] = cyrb128(key);
  const nextU32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs of sfc32 from a hashed seed are still correlated with it.
  for (let i = 0; i < 15; i++) nextU32();

  const next = () => nextU32() / 4294967296;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    digits: (n) => {
      let s = String(int(1, 9));
      for (let i = 1; i < n; i++) s += String(int(0, 9));
      return s;
    },
    bytes: (n) => {
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) buf[i] = nextU32() & 0xff;
      return buf;
    },
    fork: (label) => createRng(`${key}/${label}`),
  };
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
