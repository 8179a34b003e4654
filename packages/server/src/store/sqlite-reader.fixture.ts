// A reader thread that starts and then never answers a job, as one whose statement cannot be
// stopped would (sqlite-readers.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {});
parentPort?.postMessage({ ready: true });
