// Feedback on a routed request: "this was misrouted, it needed mid", "the
// answer was bad", "this was right". Stored next to the ledger; the
// training exports (labels.ts) join the two.
import { randomUUID } from "node:crypto";
import type { TierName } from "../config/index.js";
import { invalidArgument, TierdError } from "../core/errors.js";
import type { UsageLedger } from "./ledger.js";
import type { UsageRecord } from "./record.js";
import type { FeedbackRecord, FeedbackVerdict, LedgerStore } from "./store.js";

export interface FeedbackInput {
  requestId: string;
  verdict: FeedbackVerdict;
  expectedTier?: TierName;
  comment: string;
}

export interface FeedbackDeps {
  store: Pick<LedgerStore, "recordsOf" | "insertFeedback">;
  /** This replica's ledger, flushed first so a just-finished request is found. */
  ledger?: Pick<UsageLedger, "flush">;
  now?: () => number;
}

export const MAX_COMMENT_CHARS = 2_000;

/** Validates, finds the request's record and stores the feedback. */
export async function submitFeedback(deps: FeedbackDeps, input: FeedbackInput): Promise<{ feedback: FeedbackRecord; record: UsageRecord }> {
  if (input.requestId === "") throw invalidArgument("request_id", "is required");
  if (input.requestId.length > 128) throw invalidArgument("request_id", "must be at most 128 characters");
  if (input.verdict === "misrouted" && input.expectedTier === undefined) {
    throw invalidArgument("expected_tier", "is required for FEEDBACK_VERDICT_MISROUTED: say which tier the request should have had");
  }
  if (input.verdict === "good" && input.expectedTier !== undefined) {
    throw invalidArgument("expected_tier", "must be unset for FEEDBACK_VERDICT_GOOD");
  }
  if (input.comment.length > MAX_COMMENT_CHARS) throw invalidArgument("comment", `must be at most ${MAX_COMMENT_CHARS} characters`);

  // A record may still sit in this replica's queue; a write failure here
  // only means the lookup below may miss it, which NOT_FOUND explains.
  await deps.ledger?.flush(5_000).catch(() => undefined);
  const records = await deps.store.recordsOf(input.requestId);
  const record = records[records.length - 1];
  if (record === undefined) {
    throw new TierdError(
      "not_found",
      `no ledger record for request_id "${input.requestId}" (records reach the ledger within usage.flush_interval_ms of the answer; retry later if it was just served by another replica)`,
    );
  }
  const answered = record.servedTier ?? record.tier;
  if (input.verdict === "misrouted" && input.expectedTier === answered) {
    throw invalidArgument("expected_tier", `the request was already answered by ${answered}; a misrouted request needs another tier`);
  }
  const feedback: FeedbackRecord = {
    id: randomUUID(),
    requestId: input.requestId,
    createdAtMs: (deps.now ?? Date.now)(),
    verdict: input.verdict,
    expectedTier: input.expectedTier ?? null,
    comment: input.comment,
  };
  await deps.store.insertFeedback(feedback);
  return { feedback, record };
}
