// Response-cache keys: a SHA-256 of everything that shapes an answer, in the
// form it is sent upstream (provider/chat-request.ts): the model, every
// message of the conversation (role, content, name, tool_call_id: an earlier
// turn that differs is another conversation) and every generation parameter.
// The caller, endpoint and request id do not change the answer and are left
// out, so identical questions share one entry; with `cache.scope: caller`
// the caller id goes in too, and callers never share.
import { createHash, type Hash } from "node:crypto";
import type { CompletionRequest } from "../core/types.js";

/** Bumped when the key's inputs or encoding change, so old entries are never read. */
const KEY_VERSION = 1;

/**
 * The hash state after the conversation and parameters: each model's key
 * continues from a copy of it, so a lookup under several models hashes the
 * conversation once.
 */
export function conversationHash(request: Pick<CompletionRequest, "messages" | "params">, partition?: string): Hash {
  const p = request.params;
  // Arrays in a fixed order, absent values as null: two requests encode
  // alike exactly when the upstream body would be alike.
  const parts: unknown[] = [
    KEY_VERSION,
    request.messages.map((m) => [m.role, m.content, m.name ?? "", m.role === "tool" ? (m.toolCallId ?? "") : ""]),
    [p.maxOutputTokens ?? null, p.temperature ?? null, p.topP ?? null, p.stop, p.seed ?? null, p.responseFormat],
  ];
  // What requests carry beyond text goes in only when present, so keys of
  // plain requests stay what they were before tools, images and schemas
  // existed (an upgrade does not empty the cache). `user` is left out: it is
  // for the provider's abuse monitoring and does not shape the answer.
  const extras = carried(request);
  if (extras !== undefined) parts.push(["carried", extras]);
  // Shared keys stay what they were before partitions existed.
  if (partition !== undefined) parts.push(["partition", partition]);
  return createHash("sha256").update(JSON.stringify(parts));
}

function carried(request: Pick<CompletionRequest, "messages" | "params">): unknown[] | undefined {
  const p = request.params;
  const messages = request.messages.some((m) => m.parts !== undefined || m.toolCalls !== undefined)
    ? request.messages.map((m) => [m.parts ?? null, m.toolCalls ?? null])
    : null;
  const extras = [messages, p.tools ?? null, p.toolChoice ?? null, p.parallelToolCalls ?? null, p.jsonSchema ?? null, p.reasoningEffort ?? null];
  return extras.every((e) => e === null) ? undefined : extras;
}

/**
 * One key per model, in order: "r:" and the hex SHA-256 of conversation,
 * parameters and model (and the partition, when the cache is partitioned).
 */
export function responseKeys(request: Pick<CompletionRequest, "messages" | "params">, models: readonly string[], partition?: string): string[] {
  const hash = conversationHash(request, partition);
  return models.map((model, i) => {
    // The last model may consume the original state; the others work on copies.
    const h = i === models.length - 1 ? hash : hash.copy();
    return `r:${h.update("\u0000").update(model).digest("hex")}`;
  });
}
