import { defaultServerConditions } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project settings every package shares: tests run on `src/` through the
 * `@scim/source` export condition, so no build is needed first.
 */
export function scimProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  const conditions = ['@scim/source', ...defaultServerConditions];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      ...overrides,
    },
  });
}
