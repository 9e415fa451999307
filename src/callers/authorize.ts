// What an authenticated caller may ask for. The key decides who the caller
// is: its caller id and plan replace whatever the request claims (metadata is
// kept), so the ledger and plan rules see the authenticated caller.
//
// "Reaching for a tier": an explicit tier_override above the key's max_tier
// is PERMISSION_DENIED (the caller asked for something it may not have). A
// tier the router decided above max_tier is not the caller's doing: it is
// capped (caller-gate.ts), and fallbacks never go above it either.
import { TierdError } from "../core/errors.js";
import { anyEndpointMatches } from "../core/endpoints.js";
import type { ClassifyInput, Principal } from "../core/types.js";
import { NAME_OF_TIER } from "../core/tiers.js";

export function authorizeRequest<T extends ClassifyInput>(principal: Principal, request: T): T {
  if (!anyEndpointMatches(principal.endpoints, request.endpoint)) {
    throw new TierdError(
      "permission_denied",
      `caller ${principal.callerId} may not call endpoint "${request.endpoint}" (key ${principal.keyName} allows ${principal.endpoints.join(", ")})`,
    );
  }
  if (request.tierOverride !== undefined && request.tierOverride > principal.maxTier) {
    throw new TierdError(
      "permission_denied",
      `caller ${principal.callerId} may not use tier ${NAME_OF_TIER[request.tierOverride]} (tier_override; key ${principal.keyName} allows up to ${NAME_OF_TIER[principal.maxTier]})`,
    );
  }
  return { ...request, caller: { ...request.caller, id: principal.callerId, plan: principal.plan } };
}

/** Admin RPCs (reports, feedback, label export) need a key with `admin: true`. */
export function authorizeAdmin(principal: Principal): void {
  if (!principal.admin) throw new TierdError("permission_denied", `caller ${principal.callerId} may not call AdminService (key ${principal.keyName} is not an admin key)`);
}
