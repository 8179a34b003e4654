export { applyPatch } from './apply.ts';
export { decodeEntraRole } from './roles.ts';
export type {
  ApplyPatchOptions,
  AttributeChange,
  PatchOperation,
  PatchRequest,
  PatchResult,
  ReferenceChange,
} from './types.ts';
