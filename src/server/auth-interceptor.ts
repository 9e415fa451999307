// Authentication at the edge: every RPC except health checking and
// reflection needs a known API key, and AdminService an admin key. The
// caller's principal goes to the handlers through the context values;
// what it may ask for is checked in the core (src/callers/authorize.ts) once
// the request is decoded.
import { createContextKey, type Interceptor } from "@connectrpc/connect";
import { authorizeAdmin, type Authenticator } from "../callers/index.js";
import type { Principal } from "../core/types.js";

/** The authenticated caller of this RPC; undefined when authentication is off. */
export const PRINCIPAL = createContextKey<Principal | undefined>(undefined, { description: "tierd authenticated caller" });

export interface AuthInterceptorOptions {
  authenticator: Authenticator;
  /** Services anyone may call (health checking, reflection). */
  openServices: readonly string[];
  /** Services that need an admin key. */
  adminServices: readonly string[];
}

export function authInterceptor(options: AuthInterceptorOptions): Interceptor {
  const open = new Set(options.openServices);
  const admin = new Set(options.adminServices);
  return (next) => async (req) => {
    if (open.has(req.service.typeName)) return next(req);
    const principal = options.authenticator.authenticate(req.header.get("authorization"));
    if (admin.has(req.service.typeName)) authorizeAdmin(principal);
    req.contextValues.set(PRINCIPAL, principal);
    return next(req);
  };
}
