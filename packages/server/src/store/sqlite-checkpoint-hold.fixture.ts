// A checkpoint thread that answers the first checkpoint at once (a log of 10 frames, all copied), and
// the second, the one the store's writes wait for, only when told to (sqlite-checkpointer.test.ts).
import { parentPort } from 'node:worker_threads';

let waiting: number | undefined;
parentPort?.on('message', (request: { id?: number; end?: true; release?: true }) => {
  if (request.end === true) process.exit(0);
  if (request.release === true) {
    parentPort?.postMessage({ id: waiting, ok: true, busy: 0, log: 10, checkpointed: 10, runs: 1 });
  } else if (request.id === 1) {
    parentPort?.postMessage({ id: 1, ok: true, busy: 0, log: 10, checkpointed: 10, runs: 1 });
  } else waiting = request.id;
});
parentPort?.postMessage({ ready: true });
