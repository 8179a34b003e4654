#!/usr/bin/env node
// The `scim-server` bin. It first starts itself again with the young generation capped when the
// command is `start` (young-generation.ts, which imports nothing), and only then loads the command
// line (bin.ts and all it imports), so that graph is loaded once, by the process that runs it.
// No top-level await, so the file bundles as CJS too.
import { capYoungGeneration } from './young-generation.ts';

capYoungGeneration();
void import('./bin.ts');
