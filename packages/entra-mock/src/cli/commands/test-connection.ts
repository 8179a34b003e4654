import { parseArgs } from 'node:util';
import { createManualClock } from '../../clock.ts';
import { createProvisioningJob } from '../../engine/engine.ts';
import { createEntraTenant } from '../../tenant/tenant.ts';
import { type CliContext, CliUsageError } from '../context.ts';
import { watchFetch } from '../network.ts';

/** @internal The Admin Credentials options: `--url` and `--token`. */
export const credentialOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
} as const;

/** @internal Checks `--url` and `--token`. */
export function credentials(values: { url?: string | undefined; token?: string | undefined }): {
  url: string;
  token: string;
} {
  if (values.url === undefined) throw new CliUsageError('--url <Tenant URL> is required');
  try {
    new URL(values.url);
  } catch {
    throw new CliUsageError(
      `--url must be an absolute URL such as https://app.example.com/scim/v2, not "${values.url}"`,
    );
  }
  if (values.token === undefined || values.token === '')
    throw new CliUsageError('--token <Secret Token> is required');
  return { url: values.url, token: values.token };
}

/**
 * @internal Why Test Connection failed, in one line: the network error when the Tenant URL could
 * not be reached ("connection refused at <url>"), else Entra's error code and message.
 */
export function testConnectionFailure(
  result: { errorCode: string | null; message: string },
  network: string | undefined,
): string {
  return network === undefined
    ? `Test Connection failed: ${result.errorCode}: ${result.message}`
    : `Test Connection failed: ${network}; is the SCIM server running, and is the Tenant URL right?`;
}

/** @internal `entra-mock test-connection`: Entra's Test Connection against a SCIM URL. */
export async function testConnectionCommand(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: credentialOptions, strict: true });
  const { url, token } = credentials(values);
  const tenant = createEntraTenant({ clock: createManualClock() });
  const app = tenant.createServicePrincipal({ displayName: 'entra-mock' });
  const network = watchFetch(context.fetch, url);
  const job = createProvisioningJob({
    tenant,
    servicePrincipalId: app.id,
    tenantUrl: url,
    secretToken: token,
    fetch: network.fetch,
  });
  const result = await job.testConnection();
  if (result.success) {
    context.out(`Test Connection succeeded: ${result.message}`);
    return 0;
  }
  context.err(testConnectionFailure(result, network.failure()));
  return 1;
}
