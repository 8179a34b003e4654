export {
  type ApplyPatchOptions,
  type AttributeChange,
  applyPatch,
  type PatchOperation,
  type PatchRequest,
  type PatchResult,
  type ReferenceChange,
} from './apply.ts';
