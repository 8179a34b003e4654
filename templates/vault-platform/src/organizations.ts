// Vault Platform's organizations, as their administrators set them up under Administration > Data
// Integration: the bearer Secret Entra sends, and the "Set as active SCIM Provider" switch. In your
// application these live in its own settings; here, a JSON file (or memory, in tests).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashToken, type TokenRecord, type TokenStore } from '@scim/server';

/** Whether each organization's "Set as active SCIM Provider" switch is on. */
export interface OrganizationSettings {
  /** Whether the organization's SCIM endpoint accepts requests. Off (false) for an unknown organization. */
  isScimProviderActive(organization: string): Promise<boolean>;
  /** Turns the switch on or off. */
  setScimProviderActive(organization: string, active: boolean): Promise<void>;
}

/** The switches in memory, for tests. */
export function memoryOrganizationSettings(): OrganizationSettings {
  const active = new Map<string, boolean>();
  return {
    async isScimProviderActive(organization) {
      return active.get(organization) ?? false;
    },
    async setScimProviderActive(organization, on) {
      active.set(organization, on);
    },
  };
}

/** Where the switches are kept: ORGANIZATIONS_FILE, default ./data/organizations.json. */
export function organizationsFile(env: Readonly<Record<string, string | undefined>>): string {
  return env.ORGANIZATIONS_FILE ?? './data/organizations.json';
}

/** The switches in a JSON file (`{ "acme": { "scimProviderActive": true } }`), for `npm start`. */
export function fileOrganizationSettings(path: string): OrganizationSettings {
  const read = (): Record<string, { scimProviderActive?: boolean }> => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, { scimProviderActive?: boolean }>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  };
  return {
    async isScimProviderActive(organization) {
      return read()[organization]?.scimProviderActive === true;
    },
    async setScimProviderActive(organization, active) {
      const all = read();
      all[organization] = { ...all[organization], scimProviderActive: active };
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
    },
  };
}

/** A Secret as strong as the guide asks ("a complex string, similar to a strong password"). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Sets an organization's bearer Secret (what its administrator types under Data Integration):
 * stores its SHA-256 hash as the organization's token and revokes the previous Secret.
 *
 * @returns the stored record (the Secret itself is never stored)
 */
export async function setOrganizationSecret(
  tokens: TokenStore,
  organization: string,
  secret: string,
  now: Date = new Date(),
): Promise<TokenRecord> {
  if (secret.length < 16) {
    throw new Error('The Secret must be a complex string of at least 16 characters, like a strong password.');
  }
  for (const previous of await tokens.list(organization)) {
    if (previous.revoked === undefined)
      await tokens.update(organization, previous.id, { revoked: now.toISOString() });
  }
  const record: TokenRecord = {
    id: `tok_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    tenant: organization,
    hash: hashToken(secret),
    label: 'Data Integration Secret',
    created: now.toISOString(),
  };
  await tokens.insert(record);
  return record;
}
