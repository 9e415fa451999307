// `tierd export-fewshot` and `tierd export-labels`: feedback plus stored
// prompts, written as the few-shot JSONL file ({"prompt", "tier"} a line).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { exportLabels, toJsonl, type FeedbackVerdict } from "../usage/index.js";
import { LEDGER_ARG_OPTIONS, openLedger, parsePositiveInt, parseTime, UsageError } from "./ledger-access.js";

export const EXPORT_USAGE = `usage: tierd export-fewshot [--out FILE] [--limit 100] [--since TIME] [--config FILE | --database-url URL]
       tierd export-labels --out FILE [--since TIME] [--config FILE | --database-url URL]

  export-fewshot  the latest requests marked misrouted, with the tier they should have had
  export-labels   every feedback with a tier: misrouted and bad answers (expected tier), good (the tier that answered)
  Both need prompts in the ledger (usage.store_prompts: true); one line per distinct prompt, newest feedback wins.
`;

export async function runExport(kind: "fewshot" | "labels", args: string[], env: NodeJS.ProcessEnv, now = Date.now()): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...LEDGER_ARG_OPTIONS, out: { type: "string" }, since: { type: "string" }, limit: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(EXPORT_USAGE);
    return 0;
  }
  if (kind === "labels" && values.out === undefined) throw new UsageError("export-labels: --out FILE is required");
  if (kind === "labels" && values.limit !== undefined) throw new UsageError("export-labels: --limit is for export-fewshot");
  const sinceMs = values.since === undefined ? 0 : parseTime(values.since, now, "--since");
  const limit = kind === "fewshot" ? (values.limit === undefined ? 100 : parsePositiveInt(values.limit, "--limit")) : undefined;
  const verdicts: FeedbackVerdict[] = kind === "fewshot" ? ["misrouted"] : ["misrouted", "bad_answer", "good"];

  const { store } = await openLedger(values, env);
  try {
    const result = await exportLabels(store, { sinceMs, verdicts, ...(limit === undefined ? {} : { limit }) });
    const jsonl = toJsonl(result.examples);
    if (values.out === undefined || values.out === "-") process.stdout.write(jsonl);
    else writeFileSync(values.out, jsonl);
    const notes = [
      result.withoutPrompt > 0 ? `${result.withoutPrompt} without a stored prompt (turn on usage.store_prompts)` : "",
      result.withoutTier > 0 ? `${result.withoutTier} without a tier` : "",
      result.duplicates > 0 ? `${result.duplicates} older duplicates` : "",
    ].filter((n) => n !== "");
    process.stderr.write(
      `tierd: wrote ${result.examples.length} example${result.examples.length === 1 ? "" : "s"} to ${values.out ?? "stdout"}` +
        (notes.length > 0 ? `; skipped ${notes.join(", ")}` : "") +
        "\n",
    );
  } finally {
    await store.close();
  }
  return 0;
}
