// Test Connection: queries for a user (and a group) that cannot exist, which must answer an empty
// ListResponse.
import { URN } from '@scim/schemas';
import type { JobConfig } from './config.ts';
import { quote, type Target } from './target.ts';
import type { TestConnectionResult } from './types.ts';

const LIST_RESPONSE = URN.ListResponse;

/** One query for a random GUID: `null` when it answered an empty ListResponse, else the failure. */
async function probe(
  target: Target,
  resource: 'Users' | 'Groups',
  attribute: string,
): Promise<TestConnectionResult | null> {
  const query: [string, string][] = resource === 'Groups' ? [['excludedAttributes', 'members']] : [];
  query.push(['filter', `${attribute} eq ${quote(crypto.randomUUID())}`]);
  const response = await target.client.request('GET', `/${resource}`, { query });
  const body = response.body as { schemas?: unknown; Resources?: unknown; totalResults?: unknown } | null;
  const what = `The query of /${resource} for a random ${attribute}`;
  if (response.status === 401 || response.status === 403) {
    return {
      success: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
      message: `You appear to have entered invalid credentials: the SCIM endpoint answered ${response.status}.`,
    };
  }
  if (response.status !== 200) {
    return {
      success: false,
      errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
      message: `${what} answered ${response.status === 0 ? 'nothing' : `HTTP ${response.status}`}; it must answer 200 with an empty ListResponse.`,
    };
  }
  const empty =
    body !== null &&
    Array.isArray(body.schemas) &&
    body.schemas.includes(LIST_RESPONSE) &&
    body.totalResults === 0 &&
    (body.Resources === undefined || (Array.isArray(body.Resources) && body.Resources.length === 0));
  return empty
    ? null
    : {
        success: false,
        errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
        message: `${what} must answer an empty ListResponse (totalResults 0); got ${response.text.slice(0, 200)}`,
      };
}

/**
 * @internal Test Connection: queries the first user matching attribute for a random GUID, and when
 * groups are provisioned the first group matching attribute too; each must answer `200` with an
 * empty ListResponse.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#getting-started
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#general
 */
export async function testConnection(config: JobConfig, target: Target): Promise<TestConnectionResult> {
  const failed =
    (await probe(target, 'Users', config.users.matching[0] ?? 'userName')) ??
    (config.provisionGroups
      ? await probe(target, 'Groups', config.groups.matching[0] ?? 'displayName')
      : null);
  return (
    failed ?? {
      success: true,
      errorCode: null,
      message: 'The supplied credentials are authorized to enable provisioning.',
    }
  );
}
