/**
 * A small seeded pseudo-random generator (the mulberry32 construction: a 32-bit state stepped by a
 * Weyl constant, then mixed). Good enough for test data; not for anything secret.
 *
 * @internal
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** `true` with the given probability. */
  chance(probability: number): boolean;
  /** A random version-4 UUID, lower case. */
  uuid(): string;
}

const HEX = '0123456789abcdef';

/**
 * Creates a {@link Random} from a seed; the same seed always gives the same sequence.
 *
 * @internal
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  // The UUID's characters are joined once: a string built by `+=` is a chain of pieces in V8
  // (about 400 bytes for a UUID, against 65 flat), and a large tenant keeps one per object.
  const hex = (chars: string[], digits: number): void => {
    for (let i = 0; i < digits; i++) chars.push(HEX[int(0, 15)]!);
  };
  const uuid = (): string => {
    const chars: string[] = [];
    hex(chars, 8);
    chars.push('-');
    hex(chars, 4);
    chars.push('-4');
    hex(chars, 3);
    chars.push('-', '89ab'[int(0, 3)]!);
    hex(chars, 3);
    chars.push('-');
    hex(chars, 12);
    return chars.join('');
  };
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('random: cannot pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (probability) => next() < probability,
    uuid,
  };
}
