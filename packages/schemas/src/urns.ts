/**
 * The URNs RFC 7643 and RFC 7644 define for schemas and protocol messages.
 *
 * @example
 * ```ts
 * import { URN, userCreateParser } from '@scim/schemas';
 * userCreateParser.parse({ schemas: [URN.User, URN.EnterpriseUser], userName: 'bjensen' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-10.2
 */
export const URN = {
  /** The core User schema (RFC 7643 section 4.1). */
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  /** The core Group schema (RFC 7643 section 4.2). */
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  /** The Enterprise User extension (RFC 7643 section 4.3). */
  EnterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** The Service Provider Configuration schema (RFC 7643 section 5). */
  ServiceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  /** The Resource Type schema (RFC 7643 section 6). */
  ResourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  /** The schema of schema definitions (RFC 7643 section 7). */
  Schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  /** List responses (RFC 7644 section 3.4.2). */
  ListResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  /** Query requests sent with POST to `.search` (RFC 7644 section 3.4.3). */
  SearchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  /** PATCH requests (RFC 7644 section 3.5.2). */
  PatchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  /** Bulk requests (RFC 7644 section 3.7). */
  BulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  /** Bulk responses (RFC 7644 section 3.7). */
  BulkResponse: 'urn:ietf:params:scim:api:messages:2.0:BulkResponse',
  /** Error responses (RFC 7644 section 3.12). */
  Error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

/**
 * One of the URNs in {@link URN}.
 *
 * @example
 * ```ts
 * const urn: KnownUrn = URN.EnterpriseUser;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-10.2
 */
export type KnownUrn = (typeof URN)[keyof typeof URN];

/**
 * The group schema URN Microsoft's SCIM clients have sent in place of the core Group URN
 * (`urn:ietf:params:scim:schemas:core:2.0:Group` is the RFC's). Accepted and ignored in the
 * `entra` compatibility profile.
 *
 * @example
 * ```ts
 * import { groupCreateParser, MICROSOFT_GROUP_URN } from '@scim/schemas';
 * groupCreateParser.parse(body).value.schemas.includes(MICROSOFT_GROUP_URN); // true when Entra sent it
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export const MICROSOFT_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group';
