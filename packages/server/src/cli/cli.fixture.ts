// Test doubles for the CLI tests: a store that only has tokens, and a context that records what
// the commands print.
import { type RecordingTokenStore, recordingTokenStore } from '../auth/token-store.fixture.ts';
import type { ResourceTypeStorage, ScimStore } from '../store/types.ts';
import type { CliContext } from './context.ts';

export interface FakeStore extends ScimStore {
  readonly tokens: RecordingTokenStore;
  readonly calls: string[];
}

export function fakeStore(tokens: RecordingTokenStore = recordingTokenStore()): FakeStore {
  const calls: string[] = [];
  const unused = (name: string) => async () => {
    throw new Error(`the CLI should not call store.${name}`);
  };
  return {
    kind: 'fake',
    tokens,
    calls,
    async open(types: readonly ResourceTypeStorage[]) {
      calls.push(`open ${types.map((t) => t.name).join(',')}`);
    },
    async close() {
      calls.push('close');
    },
    async ping() {
      calls.push('ping');
    },
    create: unused('create'),
    get: unused('get'),
    update: unused('update'),
    delete: unused('delete'),
    list: unused('list'),
    memberOf: unused('memberOf'),
    changes: unused('changes'),
  };
}

export interface RecordingContext extends CliContext {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly urls: string[];
}

export function recordingContext(store: ScimStore, overrides: Partial<CliContext> = {}): RecordingContext {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const urls: string[] = [];
  return {
    env: {},
    cwd: '/srv/scim',
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    openStore: async (url) => {
      urls.push(url);
      return store;
    },
    clock: () => Date.parse('2026-11-30T10:00:00.000Z'),
    ...overrides,
    stdout,
    stderr,
    urls,
  };
}
