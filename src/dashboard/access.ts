// Who may see the dashboard: an admin key, sent as `authorization: Bearer`
// (scripts, curl) or once through the login form, which leaves a session
// cookie scoped to /dashboard, HttpOnly (page scripts cannot read it) and
// SameSite=Strict (no other site's page can make the browser send it).
// With authentication off (allowed on loopback only) everyone may.
import { authorizeAdmin, type Authenticator } from "../callers/index.js";
import { isTierdError } from "../core/errors.js";
import type { PlainRequest } from "../server/plain-http.js";
import type { Sessions } from "./session.js";

export const SESSION_COOKIE = "tierd_dashboard";
export const DASHBOARD_PATH = "/dashboard";

export type Denial = { status: 401 | 403; code: "unauthenticated" | "permission_denied"; message: string };

export interface DashboardAccess {
  /** Undefined when the request may see the dashboard. */
  deny(req: PlainRequest): Denial | undefined;
  /** Checks a key from the login form: a session token, or why not. */
  login(key: string): { token: string } | Denial;
  /** The Set-Cookie value for a token (or "" to end the session). */
  cookie(req: PlainRequest, token: string): string;
  /** False when authentication is off: no login form, no cookie. */
  readonly required: boolean;
}

export function createDashboardAccess(authenticator: Authenticator | undefined, sessions: Sessions): DashboardAccess {
  const check = (authorization: string): Denial | undefined => {
    try {
      authorizeAdmin(authenticator!.authenticate(authorization));
      return undefined;
    } catch (err) {
      if (!isTierdError(err)) throw err;
      return err.code === "permission_denied"
        ? { status: 403, code: "permission_denied", message: "the dashboard needs an admin key" }
        : { status: 401, code: "unauthenticated", message: `${err.message} (the dashboard needs an admin key)` };
    }
  };

  return {
    required: authenticator !== undefined,
    deny(req) {
      if (authenticator === undefined) return undefined;
      const authorization = req.headers.authorization;
      if (authorization !== undefined && authorization !== "") return check(authorization);
      const token = cookieOf(req.headers.cookie, SESSION_COOKIE);
      if (token !== undefined && sessions.valid(token)) return undefined;
      return { status: 401, code: "unauthenticated", message: token === undefined ? "log in with an admin key" : "the session has expired: log in again" };
    },
    login(key) {
      if (authenticator === undefined) return { token: "" };
      const denial = check(`Bearer ${key.trim()}`);
      return denial ?? { token: sessions.issue() };
    },
    cookie(req, token) {
      // Secure only where the browser reached tierd over TLS, or a browser
      // on plain loopback HTTP would never send the cookie back.
      const secure = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? "; Secure" : "";
      const age = token === "" ? 0 : Math.floor(sessions.lifetimeMs / 1000);
      return `${SESSION_COOKIE}=${token}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${age}${secure}`;
    },
  };
}

/** The value of one cookie in a Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
