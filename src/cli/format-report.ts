// The usage report as a person reads it in a terminal: aligned tables, money
// in dollars to the micro-dollar, shares in percent, warnings last.
import type { UsageReport } from "../usage/index.js";

/** pico-USD -> "$1.234567" (exact decimal, truncated to micro-dollars). */
export function formatUsd(pico: bigint): string {
  const negative = pico < 0n;
  const micro = (negative ? -pico : pico) / 1_000_000n;
  const whole = micro / 1_000_000n;
  const frac = (micro % 1_000_000n).toString().padStart(6, "0");
  return `${negative ? "-" : ""}$${whole.toLocaleString("en-US")}.${frac}`;
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function formatMs(ms: number | null): string {
  return ms === null ? "-" : `${Math.round(ms)} ms`;
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
}

/** Left-aligns the first column, right-aligns the rest. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

export function formatReportTable(r: UsageReport): string {
  const out: string[] = [];
  const scope = r.endpoint === undefined ? "all endpoints" : `endpoint ${r.endpoint}`;
  out.push(`tierd usage report: ${formatTime(r.sinceMs)} to ${formatTime(r.untilMs)} (${scope})`, "");
  const t = r.totals;
  out.push(
    `Requests ${t.requests}  errors ${t.errors} (${formatShare(t.errorRate)})  cancelled ${t.canceled}  fallbacks ${t.fallbacks}  cache hits ${t.cacheHits} (${formatShare(t.cacheHitRate)}, saved ${formatUsd(t.cacheSavedPicoUsd)})  classify calls ${t.classifyRequests}`,
    `Cost ${formatUsd(t.costPicoUsd)}  tokens in ${t.inputTokens.toLocaleString("en-US")} / out ${t.outputTokens.toLocaleString("en-US")}`,
    "",
  );

  out.push("Per tier (a request counts for the tier that answered it)");
  out.push(
    table(
      ["TIER", "REQUESTS", "SHARE", "COST", "COST SHARE", "AVG COST", "ERROR RATE", "P50", "P95", "FALLBACKS IN"],
      r.tiers.map((x) => [
        x.tier,
        String(x.requests),
        formatShare(x.requestShare),
        formatUsd(x.costPicoUsd),
        formatShare(x.costShare),
        formatUsd(x.avgCostPicoUsd),
        formatShare(x.errorRate),
        formatMs(x.latencyP50Ms),
        formatMs(x.latencyP95Ms),
        String(x.fallbacksIn),
      ]),
    ),
    "",
  );

  out.push("Top endpoints by cost (where their requests landed)");
  out.push(
    r.topEndpoints.length === 0
      ? "  (none)"
      : table(
          ["ENDPOINT", "REQUESTS", "COST", "COST SHARE", "NANO", "MID", "FRONTIER"],
          r.topEndpoints.map((e) => [
            e.endpoint === "" ? "(none)" : e.endpoint,
            String(e.requests),
            formatUsd(e.costPicoUsd),
            formatShare(e.costShare),
            ...e.tiers.map((s) => formatShare(s.share)),
          ]),
        ),
    "",
  );

  const s = r.savings;
  out.push(
    "Savings on the same tokens",
    table(
      ["BASELINE", "WOULD COST", "ACTUAL", "SAVED", "SAVED SHARE"],
      [
        ["all-frontier", formatUsd(s.allFrontierPicoUsd), formatUsd(s.actualPicoUsd), formatUsd(s.vsFrontierPicoUsd), formatShare(s.vsFrontierRatio)],
        ["all-mid", formatUsd(s.allMidPicoUsd), formatUsd(s.actualPicoUsd), formatUsd(s.vsMidPicoUsd), formatShare(s.vsMidRatio)],
        ["no-cache", formatUsd(s.actualPicoUsd + t.cacheSavedPicoUsd), formatUsd(s.actualPicoUsd), formatUsd(t.cacheSavedPicoUsd), formatShare(ratioOf(t.cacheSavedPicoUsd, s.actualPicoUsd + t.cacheSavedPicoUsd))],
      ],
    ),
    "  Response cache hits per tier: " + r.tiers.map((x) => `${x.tier} ${x.cacheHits} (${formatShare(x.cacheHitRate)}, saved ${formatUsd(x.cacheSavedPicoUsd)})`).join(", "),
    `  ACTUAL includes the LLM classifier's calls: ${formatUsd(s.classifierPicoUsd)} (${formatUsd(t.classifierCostPicoUsd)} with Classify calls)`,
    "",
  );

  out.push("Break-even: classifier + nano against mid (medians of first-attempt, non-cached answers)");
  out.push(
    r.breakEven.length === 0
      ? "  (no nano answers in the window)"
      : table(
          ["ENDPOINT", "NANO REQS", "MID REQS", "CLASSIFIER", "NANO", "MID", "MARGIN", "VERDICT"],
          r.breakEven.map((b) => [
            b.endpoint === "" ? "(none)" : b.endpoint,
            String(b.nanoRequests),
            String(b.midRequests) + (b.midSource === "all" ? "*" : ""),
            formatMs(b.classifierP50Ms),
            formatMs(b.nanoP50Ms),
            formatMs(b.midP50Ms) + (b.midSource === "all" ? "*" : ""),
            b.marginMs === null ? "-" : `${b.marginMs > 0 ? "+" : ""}${Math.round(b.marginMs)} ms`,
            b.verdict === "too_little_data" ? "too little data" : b.verdict === "slower" ? "SLOWER" : "faster",
          ]),
        ),
  );
  if (r.breakEven.some((b) => b.midSource === "all")) out.push("  * too few mid answers on this endpoint: median of all endpoints");
  if (r.breakEven.some((b) => b.verdict === "too_little_data")) out.push(`  too little data: fewer than ${r.minBreakEvenSamples} such answers on a side`);
  if (r.latencySampleEvery > 1) out.push(`  latencies from a sample: the answers of every ${r.latencySampleEvery}th millisecond`);
  out.push("");

  if (r.shadow !== undefined) {
    const sh = r.shadow;
    out.push(
      `Shadow mode: ${sh.requests} requests; the router would have chosen ` +
        sh.distribution.map((d) => `${d.tier} ${formatShare(d.share)}`).join(", "),
      `  actual ${formatUsd(sh.actualPicoUsd)}, would cost ${formatUsd(sh.wouldCostPicoUsd)}: acting on the decisions would save ${formatUsd(sh.savingsPicoUsd)}`,
      "",
    );
  }

  out.push(r.warnings.length === 0 ? "No warnings." : "Warnings");
  for (const w of r.warnings) out.push(`  ! ${w.message}`);
  return out.join("\n") + "\n";
}

/** part / whole for display; 0 when the whole is 0. */
function ratioOf(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number((part * 1_000_000n) / whole) / 1e6;
}
