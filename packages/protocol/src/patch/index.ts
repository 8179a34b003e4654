export { applyPatch } from './apply.ts';
export { jsonEqual } from './json.ts';
export { decodeEntraRole } from './roles.ts';
export type {
  ApplyPatchOptions,
  AttributeChange,
  PatchResult,
  ReferenceChange,
} from './types.ts';
