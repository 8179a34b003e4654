/**
 * The SCIM 2.0 protocol engine (RFC 7644): filters, attribute paths, PATCH, projection, sorting,
 * paging and versions.
 *
 * @packageDocumentation
 */
export * from './filter/index.ts';
export * from './page/index.ts';
export * from './patch/index.ts';
export * from './path/index.ts';
export * from './profile.ts';
export * from './projection/index.ts';
export * from './sort/index.ts';
export * from './text/index.ts';
export * from './version/index.ts';
