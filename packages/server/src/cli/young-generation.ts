// `scim-server start` caps V8's young generation. Under a steady stream of requests V8 grows each
// semi-space of the young generation up to its maximum (32 MB on 64-bit Node 24, so about 64 MB of
// heap) and keeps it when the load stops: with 100,000 users, after 30 s of mixed load at full
// speed, the server held 253 to 261 MB with V8's sizing, 144 to 171 MB capped at 8 MB. Only
// requests that allocate much reach the cap (a page of 100 users; not a GET by id, a filter or
// discovery, which scavenge as often under either cap). At 4 MB (the cap before 2026-12-07) a page
// of 100 scavenged twice as often as at 8, for about as much memory (140 to 168 MB) and as many
// instructions, and 0.97x to 1.11x the CPU (1.06x to 1.11x in three runs of four); 16 MB holds 161
// to 163 MB for no less CPU than 8.
// (docs/benchmarks.md, "Resident memory"; bench/memory.ts, bench/young-generation.ts). V8 reads the cap
// only when the process starts, so the bin starts itself again with the flag (process.execve: the
// same process id, signals and stdio). Node's own guide on the flag:
// https://nodejs.org/api/cli.html#--max-semi-space-sizesize-in-mib
// It also exposes V8's `gc`, for the collection that gives memory back once the load stops
// (idle-collector.ts): https://nodejs.org/api/cli.html#--expose-gc

/** The cap, in MiB per semi-space. @internal */
export const SEMI_SPACE_MB = 8;

const FLAG = '--max-semi-space-size';
/** Exposes `gc` to the idle collector. @internal */
export const EXPOSE_GC = '--expose-gc';

/**
 * The arguments to start the bin again with, or `undefined` when it should run as it is: a command
 * other than `start`, a process that already runs with the flag, or one whose `NODE_OPTIONS` sets it
 * (the operator's own choice wins).
 * @internal
 */
export function restartArgs(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] | undefined {
  if (argv[2] !== 'start') return undefined;
  if (execArgv.some((a) => a.startsWith(FLAG))) return undefined;
  if (nodeOptions?.includes(FLAG)) return undefined;
  const [node, script, ...rest] = argv;
  if (node === undefined || script === undefined) return undefined;
  const gc = execArgv.includes(EXPOSE_GC) ? [] : [EXPOSE_GC];
  return [node, `${FLAG}=${SEMI_SPACE_MB}`, ...gc, ...execArgv, script, ...rest];
}

/**
 * Starts the bin again with the young generation capped, where the platform can replace the process
 * (`process.execve`, Node 22.15 and 23.11 on; not on Windows). Returns only when it does not.
 * @internal
 */
export function capYoungGeneration(): void {
  const args = restartArgs(process.argv, process.execArgv, process.env.NODE_OPTIONS);
  if (args === undefined || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, args, process.env);
  } catch {
    // Not available here (a platform without execve): run with V8's defaults.
  }
}
