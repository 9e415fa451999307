// Dashboard sessions: after the login form's admin key checks out, the
// browser keeps a signed token, not the key. The token is an expiry and a
// nonce with an HMAC-SHA256 of both under a secret drawn when tierd starts,
// so it says nothing about the key, cannot be forged or extended, and every
// session ends when tierd restarts (log in again).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface Sessions {
  /** A new token, valid for the session lifetime. */
  issue(): string;
  /** Whether a token was issued by this process and has not expired. */
  valid(token: string): boolean;
  readonly lifetimeMs: number;
}

export interface SessionsOptions {
  /** How long a login lasts. Default 12 h: a working day, not a week. */
  lifetimeMs?: number;
  now?: () => number;
  /** The signing secret; random by default (tests pass one). */
  secret?: Buffer;
}

const TOKEN = /^(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function createSessions(options: SessionsOptions = {}): Sessions {
  const lifetimeMs = options.lifetimeMs ?? 12 * 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const secret = options.secret ?? randomBytes(32);
  const mac = (payload: string) => createHmac("sha256", secret).update(payload).digest();

  return {
    lifetimeMs,
    issue() {
      const payload = `${now() + lifetimeMs}.${randomBytes(16).toString("base64url")}`;
      return `${payload}.${mac(payload).toString("base64url")}`;
    },
    valid(token) {
      const m = TOKEN.exec(token);
      if (m === null) return false;
      const given = Buffer.from(m[3]!, "base64url");
      const expected = mac(`${m[1]}.${m[2]}`);
      return given.length === expected.length && timingSafeEqual(given, expected) && Number(m[1]) > now();
    },
  };
}
