// API keys as tierd stores them: only their SHA-256, so a leaked config file
// leaks no key. Keys are random enough (256 bits) that a fast unsalted hash
// is the right tool: there is no password to brute-force.
import { createHash, randomBytes } from "node:crypto";

/** The SHA-256 of a key as 64 lowercase hex digits: what `auth.keys[].sha256` holds. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** A fresh key: "tierd_" and 32 random bytes in base64url. */
export function newApiKey(): string {
  return `tierd_${randomBytes(32).toString("base64url")}`;
}
