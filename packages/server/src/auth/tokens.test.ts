import { isScimError } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { recordingTokenStore } from './token-store.fixture.ts';
import {
  hashToken,
  issueToken,
  listTokens,
  revokeToken,
  rotateToken,
  TOKEN_PREFIX,
  tokenIdOf,
  tokenStatus,
} from './tokens.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const MINUTE = 60_000;

function fakeClock(start = T0) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('issueToken', () => {
  it('returns a prefixed token with a public id and 256 random bits, and stores only its hash', async () => {
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso', { label: 'Entra', clock: () => T0 });
    expect(token).toMatch(/^scim_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(-43), 'base64url')).toHaveLength(32);
    expect(record).toEqual({
      id: tokenIdOf(token),
      tenant: 'contoso',
      hash: hashToken(token),
      label: 'Entra',
      created: '2026-11-30T10:00:00.000Z',
    });
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.records).toEqual([record]);
  });

  it('never hands the secret, or any part of it, to the store', async () => {
    const tokens = recordingTokenStore();
    const issued = await Promise.all(
      Array.from({ length: 5 }, (_, i) => issueToken(tokens, `t${i}`, { label: 'x' })),
    );
    const seen = tokens.journal.join('\n');
    for (const { token } of issued) {
      const secret = token.slice(-43);
      expect(secret).toHaveLength(43);
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain(secret.slice(0, 12));
    }
  });

  it('generates distinct, high-entropy secrets', async () => {
    const tokens = recordingTokenStore();
    const secrets = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const { token } = await issueToken(tokens, 'contoso');
      const secret = token.slice(-43);
      secrets.add(secret);
      for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(secrets.size).toBe(200);
    expect(new Set(tokens.records.map((r) => r.id)).size).toBe(200);
    // 8,600 characters over a 64-symbol alphabet: every symbol shows up, none dominates.
    expect(counts.size).toBe(64);
    expect(Math.max(...counts.values())).toBeLessThan((8600 / 64) * 2);
  });

  it('keeps an expiry, and rejects an empty tenant or an invalid date', async () => {
    const tokens = recordingTokenStore();
    const { record } = await issueToken(tokens, 'contoso', { expiresAt: new Date('2027-01-01T00:00:00Z') });
    expect(record.expires).toBe('2027-01-01T00:00:00.000Z');
    await expect(issueToken(tokens, '')).rejects.toSatisfy(
      (e) => isScimError(e) && e.scimType === 'invalidValue',
    );
    await expect(issueToken(tokens, 'contoso', { expiresAt: new Date('nope') })).rejects.toThrow(/expiresAt/);
  });
});

describe('tokenStatus', () => {
  const record = { id: 'tok_1', tenant: 't', hash: 'h', created: '2026-11-30T10:00:00.000Z' };
  it('is active until the expiry instant, and fails closed on an unreadable expiry', () => {
    expect(tokenStatus(record, T0)).toBe('active');
    expect(tokenStatus({ ...record, expires: '2026-11-30T10:00:01.000Z' }, T0)).toBe('active');
    expect(tokenStatus({ ...record, expires: '2026-11-30T10:00:00.000Z' }, T0)).toBe('expired');
    expect(tokenStatus({ ...record, expires: 'garbage' }, T0)).toBe('expired');
    expect(
      tokenStatus(
        { ...record, expires: '2099-01-01T00:00:00.000Z', revoked: '2026-11-30T09:00:00.000Z' },
        T0,
      ),
    ).toBe('revoked');
  });
});

describe('tokenIdOf', () => {
  it('reads the public id of a token, and nothing from other text', () => {
    const token = `scim_0123456789abcdef_${'A'.repeat(43)}`;
    expect(tokenIdOf(token)).toBe('tok_0123456789abcdef');
    expect(tokenIdOf(`${token}x`)).toBeUndefined();
    expect(tokenIdOf('scim_0123_abc')).toBeUndefined();
    expect(tokenIdOf('')).toBeUndefined();
  });
});

describe('listTokens, revokeToken, rotateToken', () => {
  it('lists a tenant’s tokens oldest first, without hashes, with their status', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const a = await issueToken(tokens, 'contoso', { label: 'a', clock });
    advance(1000);
    const b = await issueToken(tokens, 'contoso', { label: 'b', clock, expiresAt: new Date(T0 + 5000) });
    await issueToken(tokens, 'fabrikam', { label: 'other', clock });
    advance(1000);
    await revokeToken(tokens, 'contoso', a.record.id, { clock });
    advance(10_000);
    const list = await listTokens(tokens, 'contoso', { clock });
    expect(list.map((t) => [t.id, t.label, t.status])).toEqual([
      [a.record.id, 'a', 'revoked'],
      [b.record.id, 'b', 'expired'],
    ]);
    expect(list[0]).not.toHaveProperty('hash');
    expect(list[0]?.revoked).toBe('2026-11-30T10:00:02.000Z');
  });

  it('revokes only a token of the tenant named, and keeps the first revocation time', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { record } = await issueToken(tokens, 'contoso', { clock });
    expect(await revokeToken(tokens, 'fabrikam', record.id, { clock })).toBe(false);
    expect(await revokeToken(tokens, 'contoso', 'tok_missing', { clock })).toBe(false);
    expect(await revokeToken(tokens, 'contoso', record.id, { clock })).toBe(true);
    advance(MINUTE);
    expect(await revokeToken(tokens, 'contoso', record.id, { clock })).toBe(true);
    expect(tokens.records[0]?.revoked).toBe(new Date(T0).toISOString());
  });

  it('rotates: a new token with the old label, the old one expiring after the overlap', async () => {
    const tokens = recordingTokenStore();
    const { clock } = fakeClock();
    const old = await issueToken(tokens, 'contoso', { label: 'Entra', clock });
    const rotated = await rotateToken(tokens, 'contoso', old.record.id, { overlap: 60 * MINUTE, clock });
    expect(rotated.token).not.toBe(old.token);
    expect(rotated.record.label).toBe('Entra');
    expect(rotated.previousId).toBe(old.record.id);
    expect(rotated.previousExpires).toBe('2026-11-30T11:00:00.000Z');
    const stored = tokens.records.find((r) => r.id === old.record.id)!;
    expect(tokenStatus(stored, T0 + 60 * MINUTE - 1)).toBe('active');
    expect(tokenStatus(stored, T0 + 60 * MINUTE)).toBe('expired');
  });

  it('never extends an old token’s life by rotating it', async () => {
    const tokens = recordingTokenStore();
    const { clock } = fakeClock();
    const old = await issueToken(tokens, 'contoso', { clock, expiresAt: new Date(T0 + MINUTE) });
    const rotated = await rotateToken(tokens, 'contoso', old.record.id, { overlap: 60 * MINUTE, clock });
    expect(rotated.previousExpires).toBe(new Date(T0 + MINUTE).toISOString());
  });

  it('refuses to rotate a missing, revoked or other tenant’s token, or a negative overlap', async () => {
    const tokens = recordingTokenStore();
    const { clock } = fakeClock();
    const { record } = await issueToken(tokens, 'contoso', { clock });
    const notFound = (e: unknown) => isScimError(e) && e.status === 404;
    await expect(rotateToken(tokens, 'fabrikam', record.id, { overlap: 0, clock })).rejects.toSatisfy(
      notFound,
    );
    await expect(rotateToken(tokens, 'contoso', 'tok_nope', { overlap: 0, clock })).rejects.toSatisfy(
      notFound,
    );
    await expect(rotateToken(tokens, 'contoso', record.id, { overlap: -1, clock })).rejects.toThrow(
      /overlap/,
    );
    await revokeToken(tokens, 'contoso', record.id, { clock });
    await expect(rotateToken(tokens, 'contoso', record.id, { overlap: 0, clock })).rejects.toSatisfy(
      notFound,
    );
    expect(tokens.records).toHaveLength(1);
  });
});
