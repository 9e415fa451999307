// Who is calling: the bearer key of a request, matched against the
// configured digests. The presented key is hashed first, so every comparison
// is between two 32-byte digests, and every configured digest is compared
// (timingSafeEqual, no early exit): the time taken says nothing about which
// key, if any, came close.
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKeyConfig, AuthConfig } from "../config/index.js";
import { TierdError } from "../core/errors.js";
import type { Principal } from "../core/types.js";
import { TIER_OF_NAME } from "../core/tiers.js";

export interface Authenticator {
  /** The caller behind an `authorization` header value; throws unauthenticated. */
  authenticate(authorization: string | null | undefined): Principal;
}

export interface AuthenticatorOptions {
  /** The `auth:` section: keys and revoked digests. */
  auth: Pick<AuthConfig, "keys" | "revoked">;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const principals = options.auth.keys.map(principalOf);
  const digests = options.auth.keys.map((key) => Buffer.from(key.sha256, "hex"));
  const revoked = options.auth.revoked.map((hex) => Buffer.from(hex, "hex"));

  return {
    authenticate(authorization) {
      if (authorization === null || authorization === undefined || authorization === "") {
        throw new TierdError("unauthenticated", "missing API key: send the header authorization: Bearer <key>");
      }
      const match = BEARER.exec(authorization);
      if (match === null) throw new TierdError("unauthenticated", "malformed authorization header: expected Bearer <key>");
      const digest = createHash("sha256").update(match[1]!, "utf8").digest();
      if (indexOf(revoked, digest) >= 0) throw new TierdError("unauthenticated", "this API key was revoked");
      const found = indexOf(digests, digest);
      if (found < 0) throw new TierdError("unauthenticated", "unknown API key");
      return principals[found]!;
    },
  };
}

/** The position of `digest` in `digests`, or -1, comparing every entry whatever matched. */
function indexOf(digests: readonly Buffer[], digest: Buffer): number {
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    if (timingSafeEqual(digests[i]!, digest) && found < 0) found = i;
  }
  return found;
}

function principalOf(key: ApiKeyConfig): Principal {
  return {
    callerId: key.caller,
    plan: key.plan,
    keyName: key.name ?? `sha256:${key.sha256.slice(0, 8)}`,
    admin: key.admin,
    endpoints: key.endpoints,
    maxTier: TIER_OF_NAME[key.max_tier],
    budgets: key.budgets,
    onBudgetExceeded: key.on_budget_exceeded,
    ...(key.rate_limit === undefined ? {} : { rateLimit: key.rate_limit }),
  };
}
