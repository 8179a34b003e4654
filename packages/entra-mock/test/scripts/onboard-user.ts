// A script written against Microsoft Graph as Microsoft's docs show it: plain fetch, the
// client-credentials token, then users, groups, members, manager and app role assignments.
// test/graph-script.test.ts runs it unchanged against the simulator.

export interface ScriptConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  servicePrincipalId: string;
  appRoleId: string;
  domain: string;
}

export async function onboardUser(config: ScriptConfig) {
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
    return response.status === 204 ? undefined : ((await response.json()) as Record<string, unknown>);
  };

  // Create user (https://learn.microsoft.com/en-us/graph/api/user-post-users)
  const manager = (await graph('POST', '/users', {
    accountEnabled: true,
    displayName: 'Adele Vance',
    mailNickname: 'AdeleV',
    userPrincipalName: `AdeleV@${config.domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
  }))!;
  const user = (await graph('POST', '/users', {
    accountEnabled: true,
    displayName: 'Megan Bowen',
    mailNickname: 'MeganB',
    userPrincipalName: `MeganB@${config.domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
  }))!;
  // Update user (https://learn.microsoft.com/en-us/graph/api/user-update)
  await graph('PATCH', `/users/${user.id}`, {
    jobTitle: 'Marketing Manager',
    department: 'Marketing',
    usageLocation: 'US',
  });
  // Assign manager (https://learn.microsoft.com/en-us/graph/api/user-post-manager)
  await graph('PUT', `/users/${user.id}/manager/$ref`, {
    '@odata.id': `https://graph.microsoft.com/v1.0/users/${manager.id}`,
  });
  // Create group (https://learn.microsoft.com/en-us/graph/api/group-post-groups)
  const group = (await graph('POST', '/groups', {
    description: 'Self help community for library',
    displayName: 'Library Assist',
    groupTypes: [],
    mailEnabled: false,
    mailNickname: 'library',
    securityEnabled: true,
  }))!;
  // Add member (https://learn.microsoft.com/en-us/graph/api/group-post-members)
  await graph('POST', `/groups/${group.id}/members/$ref`, {
    '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}`,
  });
  // Grant an appRoleAssignment (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto)
  const assignment = (await graph(
    'POST',
    `/servicePrincipals/${config.servicePrincipalId}/appRoleAssignedTo`,
    {
      principalId: group.id,
      resourceId: config.servicePrincipalId,
      appRoleId: config.appRoleId,
    },
  ))!;
  // List users in a department (https://learn.microsoft.com/en-us/graph/api/user-list)
  const marketing = (await graph(
    'GET',
    `/users?$filter=department eq 'Marketing'&$select=displayName,jobTitle`,
  ))!;
  const members = (await graph('GET', `/groups/${group.id}/members`))!;
  return { manager, user, group, assignment, marketing, members };
}
