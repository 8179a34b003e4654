// What every resource operation is given once the tenant and the principal are known.
import type { Principal } from '../auth/types.ts';
import type { HandlerLogger } from '../options.ts';
import type { ScimStore } from '../store/types.ts';
import type { ResolvedConfig } from './config.ts';
import type { SliceClock } from './slices.ts';

/** Everything a request handler needs once the tenant and principal are known. @internal */
export interface RequestContext {
  readonly config: ResolvedConfig;
  readonly store: ScimStore;
  readonly tenant: string;
  readonly principal: Principal;
  /** The absolute URL of the tenant's SCIM root, without a trailing slash. */
  readonly base: string;
  readonly requestId: string;
  readonly logger: HandlerLogger | undefined;
  /** When the request last started to run: a long write pauses between its steps (slices.ts). */
  readonly slice?: SliceClock;
}
