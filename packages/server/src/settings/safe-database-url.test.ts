import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './database-url.ts';
import { safeParseDatabaseUrl } from './safe-database-url.ts';

const CWD = '/srv/app';

/** What `parseDatabaseUrl` does with the text: its target, or the message of what it throws. */
function thrown(url: string | undefined): { value: unknown } | { message: string } {
  try {
    return { value: parseDatabaseUrl(url, CWD) };
  } catch (error) {
    return { message: (error as Error).message };
  }
}

describe('safeParseDatabaseUrl', () => {
  it('returns the database parseDatabaseUrl reads', () => {
    expect(safeParseDatabaseUrl('postgres://app@db:5432/scim?schema=tenant_a', CWD)).toEqual({
      success: true,
      value: { kind: 'postgres', connectionString: 'postgres://app@db:5432/scim', schema: 'tenant_a' },
    });
    expect(safeParseDatabaseUrl(undefined, CWD)).toEqual({
      success: true,
      value: { kind: 'sqlite', path: '/srv/app/scim.db' },
    });
  });

  it('returns the error parseDatabaseUrl throws for another scheme or a bad URL', () => {
    const r = safeParseDatabaseUrl('mysql://h/db', CWD);
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.message).toContain('"mysql:"');
    expect(() => parseDatabaseUrl('mysql://h/db', CWD)).toThrow(r.error.message);
    expect(safeParseDatabaseUrl('postgres://[bad', CWD).success).toBe(false);
    expect(safeParseDatabaseUrl('file:', CWD).success).toBe(false);
  });

  it('agrees with parseDatabaseUrl on any text: the same target, or the same error', () => {
    const url = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc
        .tuple(
          fc.constantFrom(
            'postgres://',
            'postgresql://',
            'sqlite:',
            'sqlite://',
            'file:',
            'mysql://',
            'x:',
            '',
            ' ',
          ),
          fc.string({ maxLength: 20 }),
          fc.constantFrom('', '?schema=s', '?schema=', '/db'),
        )
        .map(([a, b, c]) => `${a}${b}${c}`),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(url, (u) => {
        const safe = safeParseDatabaseUrl(u, CWD);
        const plain = thrown(u);
        if ('message' in plain) {
          expect(safe.success).toBe(false);
          expect(!safe.success && safe.error.message).toBe(plain.message);
        } else {
          expect(safe).toEqual({ success: true, value: plain.value });
        }
      }),
      { numRuns: 300 },
    );
  });
});
