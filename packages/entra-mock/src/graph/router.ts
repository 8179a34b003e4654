// Matches a request's path segments to a route. Internal to the package.
import type { Route } from './context.ts';

/** A matched route and its path parameters, `'method'` when only the method is wrong, or `undefined`. @internal */
export type RouteMatch = { route: Route; params: Record<string, string> } | 'method' | undefined;

/** Whether a path segment may fill a `:name` parameter (not `$ref` nor a type cast). */
function isParameter(segment: string): boolean {
  return segment !== '$ref' && !segment.startsWith('microsoft.graph.');
}

/**
 * Finds the route for a method and the decoded path segments after the version.
 *
 * @internal
 */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
): RouteMatch {
  let pathMatched = false;
  for (const candidate of routes) {
    if (candidate.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = candidate.pattern.every((part, i) => {
      const segment = segments[i]!;
      if (!part.startsWith(':')) return part === segment;
      if (!isParameter(segment)) return false;
      params[part.slice(1)] = segment;
      return true;
    });
    if (!ok) continue;
    pathMatched = true;
    if (candidate.method === method) return { route: candidate, params };
  }
  return pathMatched ? 'method' : undefined;
}
