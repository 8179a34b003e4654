import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileExpression, type EvaluateOptions, isMappingError } from '../src/index.ts';

/** One language case: an expression, its inputs and the expected value, value checks or error. */
interface Case {
  description: string;
  expression: string;
  input?: Record<string, unknown>;
  options?: { now?: string; guid?: string; seed?: number; taken?: string[]; defaultDomain?: string };
  expected?: unknown;
  check?: {
    length: number;
    minDigits?: number;
    minSpecial?: number;
    minUpper?: number;
    minLower?: number;
    avoid?: string;
  };
  error?: { stage: string; code: string; offset?: number; line?: number; column?: number; token?: string };
  note?: string;
}

/** A small seeded generator so RandomString cases are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toOptions(o: Case['options'] = {}): EvaluateOptions {
  const options: { -readonly [K in keyof EvaluateOptions]: EvaluateOptions[K] } = {};
  if (o.now) {
    const now = new Date(o.now);
    options.now = () => now;
  }
  if (o.guid) {
    const guid = o.guid;
    options.guid = () => guid;
  }
  if (o.seed !== undefined) options.random = seeded(o.seed);
  if (o.taken) {
    const taken = o.taken;
    options.isUnique = (v) => !taken.includes(v);
  }
  if (o.defaultDomain) options.defaultDomain = o.defaultDomain;
  return options;
}

const root = join(import.meta.dirname, 'cases');
for (const group of readdirSync(root).sort()) {
  for (const file of readdirSync(join(root, group)).sort()) {
    const cases = JSON.parse(readFileSync(join(root, group, file), 'utf8')) as Case[];
    describe(`${group}/${file}`, () => {
      for (const c of cases) {
        it(c.description, () => {
          if (c.error) {
            let caught: unknown;
            try {
              compileExpression(c.expression).evaluate(c.input ?? {}, toOptions(c.options));
            } catch (error) {
              caught = error;
            }
            expect(isMappingError(caught)).toBe(true);
            if (!isMappingError(caught)) return;
            expect({ stage: caught.stage, code: caught.code }).toEqual({
              stage: c.error.stage,
              code: c.error.code,
            });
            if (c.error.offset !== undefined) expect(caught.position.offset).toBe(c.error.offset);
            if (c.error.line !== undefined) expect(caught.position.line).toBe(c.error.line);
            if (c.error.column !== undefined) expect(caught.position.column).toBe(c.error.column);
            if (c.error.token !== undefined) expect(caught.token).toBe(c.error.token);
            expect(caught.message.length).toBeGreaterThan(20);
            return;
          }
          const value = compileExpression(c.expression).evaluate(c.input ?? {}, toOptions(c.options));
          if (c.check) {
            expect(typeof value).toBe('string');
            const s = value as string;
            expect(s).toHaveLength(c.check.length);
            expect((s.match(/\d/g) ?? []).length).toBeGreaterThanOrEqual(c.check.minDigits ?? 0);
            expect((s.match(/[A-Z]/g) ?? []).length).toBeGreaterThanOrEqual(c.check.minUpper ?? 0);
            expect((s.match(/[a-z]/g) ?? []).length).toBeGreaterThanOrEqual(c.check.minLower ?? 0);
            expect((s.match(/[^A-Za-z0-9]/g) ?? []).length).toBeGreaterThanOrEqual(c.check.minSpecial ?? 0);
            for (const ch of c.check.avoid ?? '') expect(s).not.toContain(ch);
            return;
          }
          expect(value).toEqual(c.expected);
        });
      }
    });
  }
}
