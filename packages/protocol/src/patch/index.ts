export { applyPatch } from './apply.ts';
export { decodeEntraRole } from './roles.ts';
export type {
  ApplyPatchOptions,
  AttributeChange,
  PatchResult,
  ReferenceChange,
} from './types.ts';
