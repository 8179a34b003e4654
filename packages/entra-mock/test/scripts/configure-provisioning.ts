// A script written against Microsoft Graph as "Configure provisioning using Microsoft Graph APIs"
// shows it: plain fetch, the client-credentials token, a job from the `scim` template, Test
// Connection, credentials, start, then the job's status and the provisioning logs.
// test/graph-provisioning-script.test.ts runs it unchanged against the simulator.

export interface ProvisioningScriptConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  servicePrincipalId: string;
  tenantUrl: string;
  secretToken: string;
}

interface JobStatus {
  code: string;
  quarantine: unknown;
  lastSuccessfulExecution: { state: string } | null;
}
interface LogEntry {
  provisioningAction: string;
  provisioningStatusInfo: { status: string };
}

export async function configureProvisioning(config: ProvisioningScriptConfig) {
  const tokenResponse = await fetch(
    `https://login.microsoftonline.com/${config.tenantId}/oauth2/v2.0/token`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: config.clientId,
        scope: 'https://graph.microsoft.com/.default',
        client_secret: config.clientSecret,
        grant_type: 'client_credentials',
      }),
    },
  );
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  const graph = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`https://graph.microsoft.com/v1.0${path}`, {
      method,
      headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : ((await response.json()) as unknown);
  };
  const sp = `/servicePrincipals/${config.servicePrincipalId}`;
  const credentials = [
    { key: 'BaseAddress', value: config.tenantUrl },
    { key: 'SecretToken', value: config.secretToken },
  ];

  // Create the provisioning job from the scim template.
  const job = (await graph('POST', `${sp}/synchronization/jobs`, { templateId: 'scim' })) as { id: string };
  // Test connection.
  await graph('POST', `${sp}/synchronization/jobs/${job.id}/validateCredentials`, {
    useSavedCredentials: false,
    templateId: 'scim',
    credentials,
  });
  // Save the credentials.
  await graph('PUT', `${sp}/synchronization/secrets`, { value: credentials });
  // Start the job.
  await graph('POST', `${sp}/synchronization/jobs/${job.id}/start`);
  // Monitor it.
  let status = {} as JobStatus;
  for (let poll = 0; poll < 5; poll++) {
    status = ((await graph('GET', `${sp}/synchronization/jobs/${job.id}`)) as { status: JobStatus }).status;
    if (status.lastSuccessfulExecution) break;
  }
  const logs = (await graph('GET', `/auditLogs/provisioning?$filter=jobId eq '${job.id}'&$top=100`)) as {
    value: LogEntry[];
  };
  return { jobId: job.id, status, logs: logs.value };
}
