// Reads a batch of prompts to decide on: JSONL ({"id", "prompt"} or {"id",
// "messages"}, optional endpoint, plan, input_tokens, output_tokens) or CSV
// with id and prompt columns (same optional columns). A record that cannot
// be read is kept as an error with its line, never dropped silently.
import { parseCsv } from "../classifier/csv.js";
import type { ChatMessage, Role } from "../core/types.js";

export interface BatchRecord {
  id: string;
  messages: ChatMessage[];
  endpoint: string;
  plan: string;
  /** Token counts from the log, when it has them (for the cost projection). */
  inputTokens?: number;
  outputTokens?: number;
}

export type ParsedRecord = { ok: true; record: BatchRecord } | { ok: false; id: string; where: string; error: string };

const ROLES: readonly Role[] = ["system", "user", "assistant", "tool"];

export function parseRecords(text: string, source: string): ParsedRecord[] {
  const isJsonl = /\.jsonl?$/i.test(source) || text.trimStart().startsWith("{");
  if (!isJsonl) {
    const rows = parseCsv(text, source);
    if (rows.length > 0 && !("prompt" in rows[0]!)) throw new Error(`${source}: a CSV needs a "prompt" column (and "id")`);
    return rows.map((row, i) => recordOf(row, `${source} row ${i + 2}`, i));
  }
  const out: ParsedRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.push({ ok: false, id: "", where, error: "not valid JSON" });
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      out.push({ ok: false, id: "", where, error: "expected a JSON object" });
      return;
    }
    out.push(recordOf(value as Record<string, unknown>, where, out.length));
  });
  return out;
}

function recordOf(row: Record<string, unknown>, where: string, index: number): ParsedRecord {
  const id = row.id === undefined || row.id === null || row.id === "" ? String(index + 1) : String(row.id);
  const fail = (error: string): ParsedRecord => ({ ok: false, id, where, error });
  let messages: ChatMessage[];
  if (typeof row.prompt === "string" && row.prompt !== "") {
    messages = [{ role: "user", content: row.prompt }];
  } else if (Array.isArray(row.messages) && row.messages.length > 0) {
    messages = [];
    for (const [k, m] of row.messages.entries()) {
      if (m === null || typeof m !== "object") return fail(`messages[${k}] is not an object`);
      const { role, content } = m as { role?: unknown; content?: unknown };
      if (!ROLES.includes(role as Role)) return fail(`messages[${k}].role must be one of ${ROLES.join(", ")}`);
      if (typeof content !== "string") return fail(`messages[${k}].content must be a string`);
      messages.push({ role: role as Role, content });
    }
  } else {
    return fail('needs a non-empty "prompt" or "messages"');
  }
  const record: BatchRecord = { id, messages, endpoint: stringField(row.endpoint), plan: stringField(row.plan) };
  for (const [field, key] of [
    ["input_tokens", "inputTokens"],
    ["output_tokens", "outputTokens"],
  ] as const) {
    const value = row[field];
    if (value === undefined || value === null || value === "") continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) return fail(`${field} must be a non-negative integer`);
    record[key] = n;
  }
  return { ok: true, record };
}

function stringField(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}
