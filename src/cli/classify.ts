// `tierd classify --in FILE --out FILE`: decides every prompt of a JSONL or
// CSV file with the configured cascade (the Classify RPC's TierDecider) and
// writes one JSON line per prompt, then a summary: the share of prompts per
// tier (per endpoint too) and, when the records carry token counts, the
// projected cost against sending everything to one tier.
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { classifyBatch, parseRecords, type BatchSummary, type TierPrices } from "../batch/index.js";
import { ConfigError, loadConfig, type Config } from "../config/index.js";
import { Tier } from "../core/types.js";
import type { TierName } from "../core/tiers.js";
import { createConfiguredDecider } from "../policy/index.js";
import { createProvider, type Provider } from "../provider/index.js";
import { createPriceTable } from "../pricing/index.js";

export const CLASSIFY_USAGE = `usage: tierd classify --in FILE [--out FILE] [--config FILE] [--summary-json FILE] [--concurrency N]

  classify   decide the tier of every prompt in FILE (JSONL: {"id","prompt"} or
             {"id","messages"}, optional endpoint, plan, input_tokens,
             output_tokens; or CSV with id and prompt columns) with the
             configured cascade; one JSON line per prompt (id, tier, score,
             confidence, stage) to --out (stdout when absent), summary on stderr.
`;

/** A base URL for configs that need one but will not call out (LLM classifier off). */
const UNUSED_BASE_URL = "http://127.0.0.1:9/v1";

export async function classifyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      in: { type: "string" },
      out: { type: "string" },
      config: { type: "string" },
      "summary-json": { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  if (values.in === undefined) {
    process.stderr.write(`tierd classify: --in FILE is required\n${CLASSIFY_USAGE}`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    process.stderr.write("tierd classify: --concurrency must be a positive integer\n");
    return 2;
  }
  const configPath = values.config ?? process.env.TIERD_CONFIG;
  let config: Config;
  try {
    config = loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), env: { TIERD_BASE_URL: UNUSED_BASE_URL, ...process.env } });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tierd classify: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (config.classifier.llm.enabled && configPath === undefined && !process.env.TIERD_BASE_URL) {
    process.stderr.write("tierd classify: the LLM classifier is enabled but TIERD_BASE_URL is not set\n");
    return 1;
  }

  let text: string;
  try {
    text = readFileSync(values.in, "utf8");
  } catch (err) {
    process.stderr.write(`tierd classify: cannot read ${values.in} (${(err as Error).message})\n`);
    return 1;
  }
  let records;
  try {
    records = parseRecords(text, values.in);
  } catch (err) {
    process.stderr.write(`tierd classify: ${(err as Error).message}\n`);
    return 1;
  }

  const provider: Provider | undefined = config.classifier.llm.enabled ? createProvider({ config, configSource: configPath ?? "embedded config" }) : undefined;
  const out = values.out === undefined || values.out === "-" ? process.stdout : createWriteStream(values.out);
  let summary: BatchSummary;
  try {
    const decider = createConfiguredDecider({
      config,
      configSource: configPath ?? "embedded config",
      ...(provider ? { complete: (req, ctx) => provider.complete(Tier.NANO, req, ctx) } : {}),
    });
    summary = await classifyBatch({
      decider,
      records,
      prices: tierPricesOf(config),
      concurrency,
      write: (line) => out.write(JSON.stringify(line) + "\n"),
    });
  } catch (err) {
    process.stderr.write(`tierd classify: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await provider?.close();
    if (out !== process.stdout) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
  }
  process.stderr.write(formatSummary(summary));
  if (values["summary-json"] !== undefined) {
    writeFileSync(values["summary-json"], JSON.stringify(summary, null, 2) + "\n");
  }
  return summary.errors > 0 ? 1 : 0;
}

/** The price of each tier's first deployment's model. */
export function tierPricesOf(config: Config): TierPrices {
  const table = createPriceTable(config);
  const priceOf = (tier: TierName) => {
    const model = config.deployments[config.tiers[tier].deployments[0]!]!.model;
    const p = table.priceOf(model);
    return { input: p.input, output: p.output, model };
  };
  return { nano: priceOf("nano"), mid: priceOf("mid"), frontier: priceOf("frontier") };
}

export function formatSummary(s: BatchSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `decided ${s.prompts - s.errors} of ${s.prompts} prompts in ${(s.elapsedMs / 1000).toFixed(2)} s${s.errors > 0 ? ` (${s.errors} could not be read: see the "error" lines)` : ""}`,
    `  nano ${pct(s.tiers.nano!.share)} (${s.tiers.nano!.count})   mid ${pct(s.tiers.mid!.share)} (${s.tiers.mid!.count})   frontier ${pct(s.tiers.frontier!.share)} (${s.tiers.frontier!.count})`,
  ];
  const endpoints = Object.entries(s.endpoints);
  if (endpoints.length > 1) {
    lines.push("  per endpoint (nano / mid / frontier):");
    for (const [endpoint, c] of endpoints.sort()) {
      const total = (c.nano ?? 0) + (c.mid ?? 0) + (c.frontier ?? 0);
      lines.push(`    ${endpoint}: ${pct((c.nano ?? 0) / total)} / ${pct((c.mid ?? 0) / total)} / ${pct((c.frontier ?? 0) / total)} of ${total}`);
    }
  }
  if (s.cost) {
    const usd = (x: number) => `$${x.toFixed(4)}`;
    lines.push(
      `  projected cost over ${s.cost.pricedPrompts} prompts with token counts: routed ${usd(s.cost.routedUsd)}; all-frontier ${usd(s.cost.allUsd.frontier)} (saving ${pct(s.cost.savingVsFrontier)}); all-mid ${usd(s.cost.allUsd.mid)} (saving ${pct(s.cost.savingVsMid)}); all-nano ${usd(s.cost.allUsd.nano)}`,
    );
  }
  return lines.join("\n") + "\n";
}
