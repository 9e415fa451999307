// The API key travels as a bearer token on every attempt. It is added last,
// on a copy of the headers, so the caller's interceptors (which run outside
// it) never see it and cannot log it by accident.
import type { Interceptor } from "@connectrpc/connect";

export function apiKeyInterceptor(apiKey: string): Interceptor {
  const value = `Bearer ${apiKey}`;
  return (next) => (req) => {
    const header = new Headers(req.header);
    header.set("authorization", value);
    return next({ ...req, header });
  };
}
