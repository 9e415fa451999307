// What the router asks of a caller's limits, without knowing them: a gate
// before any work (rate limits), a plan once the tier is decided (a tier cap,
// a budget that downgrades or refuses, and the options for the provider's
// walk), and a last word with the tokens used. src/callers/caller-gate.ts implements it.
import type { CallContext, ClassifyInput, CompletionRequest, Decision, Usage } from "../core/types.js";
import type { CallOptions } from "../provider/index.js";
import type { RequestKind } from "./observer.js";

export interface RequestGate {
  /** May throw a TierdError (resource_exhausted); undefined when nothing limits this caller. */
  admit(kind: RequestKind, request: ClassifyInput | CompletionRequest, ctx: CallContext): Promise<GateTicket | undefined>;
}

export interface GateTicket {
  /** The decision to act on and the provider's call options; may throw (a refused budget). */
  plan(decision: Decision): Promise<{ decision: Decision; call: CallOptions }>;
  /** Once, when the request is over, with the tokens it used. */
  close(usage: Usage): void;
}
