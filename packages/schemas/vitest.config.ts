import { scimProject } from '../../configs/vitest.shared.ts';

// Type tests (*.test-d.ts, expectTypeOf) run with the unit tests, checked by tsc.
export default scimProject('@scim/schemas', {
  typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
});
