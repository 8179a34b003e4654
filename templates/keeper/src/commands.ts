// What the project's commands share: how its scripts are run with the package manager that started
// this process (for the commands it prints), and the address the server is reached at locally.

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The package manager running this process, from the `npm_config_user_agent` that `npm start`,
 * `pnpm start`, `yarn start` and `bun run start` set (`pnpm/10.0.0 npm/? node/v24.0.0 linux x64`);
 * npm when run otherwise (`node src/server.ts`).
 */
export function packageManager(env: Env): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  const name = env.npm_config_user_agent?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/**
 * The command that runs one of this project's scripts, ready for its arguments: `npm run token --`,
 * `pnpm run token`, `yarn token` or `bun run token` (`pnpm token` would be pnpm's own command).
 */
export function scriptCommand(script: string, env: Env): string {
  switch (packageManager(env)) {
    case 'pnpm':
      return `pnpm run ${script}`;
    case 'yarn':
      return `yarn ${script}`;
    case 'bun':
      return `bun run ${script}`;
    default:
      return `npm run ${script} --`;
  }
}

/** The port the server listens on: PORT, default 3000 (0 picks a free one). */
export function port(env: Env): number {
  const text = env.PORT?.trim() ?? '';
  if (text === '') return 3000;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(
      `PORT must be a port number from 0 to 65535, not "${text}": set it in .env or the environment.`,
    );
  }
  return value;
}

/**
 * The address the server is reached at from this machine: `http://localhost:<PORT>`, or the HOST
 * it listens on when that is one address (not `0.0.0.0` or `::`, which mean every interface).
 */
export function localUrl(env: Env, listening: number = port(env)): string {
  const host = env.HOST?.trim();
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::') {
    return `http://localhost:${listening}`;
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${listening}`;
}

/** Where Entra reaches the connector: PUBLIC_URL, or the local address. */
export function publicUrl(env: Env, listening?: number): string {
  return (env.PUBLIC_URL?.trim() || localUrl(env, listening)).replace(/\/+$/, '');
}
