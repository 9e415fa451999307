// Endpoint patterns as every config section writes them: an exact endpoint,
// a prefix ending in `*`, or `*` alone for all.

export function endpointMatches(pattern: string, endpoint: string): boolean {
  return pattern.endsWith("*") ? endpoint.startsWith(pattern.slice(0, -1)) : pattern === endpoint;
}

export function anyEndpointMatches(patterns: readonly string[], endpoint: string): boolean {
  return patterns.some((p) => endpointMatches(p, endpoint));
}
