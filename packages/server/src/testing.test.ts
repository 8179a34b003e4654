// The test kit as a user imports it: by the package's name and its `./testing` subpath.
import { memoryStore } from '@scim/server';
import { CONTRACT_TYPES, describeStoreContract } from '@scim/server/testing';
import { expect, it } from 'vitest';

describeStoreContract('memory, through @scim/server/testing', () => memoryStore());

it('exports the resource types the suite opens', () => {
  expect(CONTRACT_TYPES.map((t) => t.name)).toEqual(['User', 'Group']);
});
