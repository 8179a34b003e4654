/**
 * The one way this package serves a handler over `node:http`, for `scim-server start` and for a
 * connector's `npm start` (`connectorServer`): a log line per request, listening on a host and
 * port, and a shutdown that lets the requests in flight finish before the store closes.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { type RequestLogger, withRequestLogging } from '../log.ts';
import { createNodeServer, type NodeServerOptions } from '../node.ts';
import type { ScimHandler } from '../options.ts';

/** How long a connection that is still busy when a shutdown begins may take to finish. @internal */
export const SHUTDOWN_GRACE_MS = 10_000;

/** The diagnostics channel on which node:http announces a finished response (Node.js 16.18 on). */
const RESPONSE_FINISH = 'http.server.response.finish';

/**
 * Where and how {@link listenHandler} serves.
 * @internal
 */
export interface ListenOptions {
  /** The TCP port; 0 picks a free one. */
  readonly port: number;
  /** The interface to listen on; every interface when absent. */
  readonly host?: string | undefined;
  /** Where each request's line goes ({@link withRequestLogging}); no request log without it. */
  readonly logger?: RequestLogger | undefined;
  /** Forwarded headers, timeouts and the header limit of {@link createNodeServer}. */
  readonly server?: NodeServerOptions | undefined;
}

/**
 * A handler being served: the address it listens on and how to stop it.
 * @internal
 */
export interface Listening {
  /** The address the server is bound to (the port PORT 0 picked). */
  readonly address: AddressInfo;
  /**
   * Stops accepting connections, closes the idle ones (and each busy one once its response is
   * sent), gives a busy one {@link SHUTDOWN_GRACE_MS} at most, then closes the handler (and with it
   * the store).
   */
  close(): Promise<void>;
}

/**
 * Serves a ready handler on `node:http` (`createNodeServer`: request timeouts, SCIM error bodies
 * for 408 and 431), with one log line per request when a logger is given.
 *
 * @param handler - the handler, its `ready` awaited
 * @param options - the port, host, request logger and server options
 * @returns the address and the shutdown, once listening
 * @throws the listen error itself (its `code`: `EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`...), with the
 * handler closed: each caller says what to do about it in its own words
 * @internal
 */
export async function listenHandler(handler: ScimHandler, options: ListenOptions): Promise<Listening> {
  const served = options.logger === undefined ? handler : withRequestLogging(handler, options.logger);
  const server = createNodeServer(served, options.server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await handler.close().catch(() => undefined);
    throw error;
  }
  return {
    address: server.address() as AddressInfo,
    close: async () => {
      // A request in flight when the shutdown began leaves its connection idle once answered: close
      // it then, rather than when its keep-alive runs out. node:http announces each finished
      // response on this channel only while something subscribes: serving pays nothing for it.
      const finished = (message: unknown) => {
        if ((message as { server?: unknown }).server === server) {
          setImmediate(() => server.closeIdleConnections());
        }
      };
      subscribe(RESPONSE_FINISH, finished);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      });
      unsubscribe(RESPONSE_FINISH, finished);
      await handler.close();
    },
  };
}
