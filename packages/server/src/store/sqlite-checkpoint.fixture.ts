// A checkpoint thread that starts and then never answers, as one stalled behind a slow disk would
// (sqlite-checkpointer.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {});
parentPort?.postMessage({ ready: true });
