// The bearer token Entra sends when the Secret Token is left blank: one issued by Microsoft Entra
// ID for the tenant, with the audience of every custom app.

/**
 * @internal The application id every custom (non-gallery) app's Entra-issued token is for, as the
 * SCIM tutorial gives it.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#handling-endpoint-authentication
 */
export const CUSTOM_APP_AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';

/**
 * @internal The token Entra includes with each request when the Secret Token is blank: `iss`
 * `https://sts.windows.net/{tenant id}/`, `aud` the custom apps' application id, valid for an hour
 * from `now`. Unsigned (`alg: none`), like every token of the simulator: an app checks its issuer
 * and audience here, and its signature only against Entra.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#handling-endpoint-authentication
 */
export function entraIssuedToken(tenantId: string, now: number): string {
  const iat = Math.floor(now / 1000);
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    encode({ typ: 'JWT', alg: 'none' }),
    encode({
      aud: CUSTOM_APP_AUDIENCE,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + 3600,
      tid: tenantId,
    }),
    'entra-mock',
  ].join('.');
}
