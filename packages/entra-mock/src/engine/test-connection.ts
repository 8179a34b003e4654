// Test Connection: a query for a user that cannot exist, which must answer an empty ListResponse.
import type { JobConfig } from './config.ts';
import { quote, type Target } from './target.ts';
import type { TestConnectionResult } from './types.ts';

/**
 * @internal Queries the first user matching attribute for a random GUID and expects `200` with an
 * empty ListResponse.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#getting-started
 */
export async function testConnection(config: JobConfig, target: Target): Promise<TestConnectionResult> {
  const attribute = config.users.matching[0] ?? 'userName';
  const response = await target.client.request('GET', '/Users', {
    query: [['filter', `${attribute} eq ${quote(crypto.randomUUID())}`]],
  });
  const body = response.body as { schemas?: unknown; Resources?: unknown; totalResults?: unknown } | null;
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
      message: `The query for a random ${attribute} answered ${response.status === 0 ? 'nothing' : `HTTP ${response.status}`}; it must answer 200 with an empty ListResponse.`,
    };
  }
  const list =
    body !== null &&
    Array.isArray(body.schemas) &&
    body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:ListResponse') &&
    body.totalResults === 0 &&
    (body.Resources === undefined || (Array.isArray(body.Resources) && body.Resources.length === 0));
  return list
    ? {
        success: true,
        errorCode: null,
        message: 'The supplied credentials are authorized to enable provisioning.',
      }
    : {
        success: false,
        errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
        message: `The query for a random ${attribute} must answer an empty ListResponse (totalResults 0); got ${response.text.slice(0, 200)}`,
      };
}
