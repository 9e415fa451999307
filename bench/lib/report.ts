// The benchmark's results: the JSON written to bench/results/ and the
// markdown tables printed at the end (and pasted into docs/benchmark.md).
import { roundFigure, spreadOf, type Spread } from "./stats.js";

/** One measured run of a unary case. */
export interface UnarySample {
  set: string;
  caseId: string;
  concurrency: number;
  rep: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  failed: number;
  /** CPU use during the run, in % of one core, per process ("generator", "tierd", "fake", "peer"). */
  cpuPct: Record<string, number>;
  /** CPU time of the process under test (tierd, the peer, or the fake for the baseline) per request, in µs. */
  cpuUsPerRequest: number;
}

export interface StreamSample {
  caseId: string;
  concurrency: number;
  rep: number;
  streamsPerSecond: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  failed: number;
  errors: string[];
  cpuPct: Record<string, number>;
}

export interface CaseInfo {
  id: string;
  label: string;
  /** The case whose latency this one's overhead is measured against (same set, concurrency and repetition). */
  baseline?: string;
}

export interface CaseSummary {
  label: string;
  concurrency: number;
  reps: number;
  requestsPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  overheadP50Ms?: Spread;
  overheadP99Ms?: Spread;
  failed: number;
  cpuPct: Record<string, Spread>;
  cpuUsPerRequest: Spread;
}

export interface StreamCaseSummary {
  label: string;
  concurrency: number;
  reps: number;
  streamsPerSecond: Spread;
  ttftP50Ms: Spread;
  ttftP99Ms: Spread;
  totalP50Ms: Spread;
  totalP99Ms: Spread;
  ttftOverheadP50Ms?: Spread;
  ttftOverheadP99Ms?: Spread;
  failed: number;
  errors: string[];
  cpuPct: Record<string, Spread>;
}

const key = (caseId: string, concurrency: number) => `${caseId}@${concurrency}`;

function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function cpuSpreads(samples: readonly { cpuPct: Record<string, number> }[]): Record<string, Spread> {
  const names = new Set(samples.flatMap((s) => Object.keys(s.cpuPct)));
  return Object.fromEntries([...names].map((n) => [n, round(spreadOf(samples.map((s) => s.cpuPct[n] ?? Number.NaN)))]));
}

function round(s: Spread): Spread {
  return { median: roundFigure(s.median), min: roundFigure(s.min), max: roundFigure(s.max) };
}

/**
 * Medians and ranges per case and concurrency. Overheads are paired: each
 * repetition's figure minus its own baseline run's (the runs were
 * interleaved), then the median and range of those differences.
 */
export function summarizeUnary(samples: readonly UnarySample[], cases: readonly CaseInfo[]): CaseSummary[] {
  const byRun = new Map(samples.map((s) => [`${key(s.caseId, s.concurrency)}#${s.rep}`, s]));
  const out: CaseSummary[] = [];
  for (const group of groupBy(samples, (s) => key(s.caseId, s.concurrency)).values()) {
    const first = group[0]!;
    const info = cases.find((c) => c.id === first.caseId);
    const summary: CaseSummary = {
      label: info?.label ?? first.caseId,
      concurrency: first.concurrency,
      reps: group.length,
      requestsPerSecond: round(spreadOf(group.map((s) => s.requestsPerSecond))),
      p50Ms: round(spreadOf(group.map((s) => s.p50Ms))),
      p99Ms: round(spreadOf(group.map((s) => s.p99Ms))),
      failed: group.reduce((n, s) => n + s.failed, 0),
      cpuPct: cpuSpreads(group),
      cpuUsPerRequest: round(spreadOf(group.map((s) => s.cpuUsPerRequest))),
    };
    if (info?.baseline !== undefined) {
      const pairs = group.flatMap((s) => {
        const base = byRun.get(`${key(info.baseline!, s.concurrency)}#${s.rep}`);
        return base === undefined ? [] : [[s, base] as const];
      });
      if (pairs.length > 0) {
        summary.overheadP50Ms = round(spreadOf(pairs.map(([s, b]) => s.p50Ms - b.p50Ms)));
        summary.overheadP99Ms = round(spreadOf(pairs.map(([s, b]) => s.p99Ms - b.p99Ms)));
      }
    }
    out.push(summary);
  }
  return out;
}

export function summarizeStreams(samples: readonly StreamSample[], cases: readonly CaseInfo[]): StreamCaseSummary[] {
  const byRun = new Map(samples.map((s) => [`${key(s.caseId, s.concurrency)}#${s.rep}`, s]));
  const out: StreamCaseSummary[] = [];
  for (const group of groupBy(samples, (s) => key(s.caseId, s.concurrency)).values()) {
    const first = group[0]!;
    const info = cases.find((c) => c.id === first.caseId);
    const summary: StreamCaseSummary = {
      label: info?.label ?? first.caseId,
      concurrency: first.concurrency,
      reps: group.length,
      streamsPerSecond: round(spreadOf(group.map((s) => s.streamsPerSecond))),
      ttftP50Ms: round(spreadOf(group.map((s) => s.ttftP50Ms))),
      ttftP99Ms: round(spreadOf(group.map((s) => s.ttftP99Ms))),
      totalP50Ms: round(spreadOf(group.map((s) => s.totalP50Ms))),
      totalP99Ms: round(spreadOf(group.map((s) => s.totalP99Ms))),
      failed: group.reduce((n, s) => n + s.failed, 0),
      errors: [...new Set(group.flatMap((s) => s.errors))].slice(0, 5),
      cpuPct: cpuSpreads(group),
    };
    if (info?.baseline !== undefined) {
      const pairs = group.flatMap((s) => {
        const base = byRun.get(`${key(info.baseline!, s.concurrency)}#${s.rep}`);
        return base === undefined ? [] : [[s, base] as const];
      });
      if (pairs.length > 0) {
        summary.ttftOverheadP50Ms = round(spreadOf(pairs.map(([s, b]) => s.ttftP50Ms - b.ttftP50Ms)));
        summary.ttftOverheadP99Ms = round(spreadOf(pairs.map(([s, b]) => s.ttftP99Ms - b.ttftP99Ms)));
      }
    }
    out.push(summary);
  }
  return out;
}

/** Paired ratio of two cases' throughput (numerator / denominator) per repetition, at one concurrency. */
export function throughputRatio(samples: readonly UnarySample[], numerator: string, denominator: string, concurrency: number): Spread {
  const den = new Map(samples.filter((s) => s.caseId === denominator && s.concurrency === concurrency).map((s) => [s.rep, s]));
  const ratios = samples
    .filter((s) => s.caseId === numerator && s.concurrency === concurrency && den.has(s.rep))
    .map((s) => s.requestsPerSecond / den.get(s.rep)!.requestsPerSecond);
  return round(spreadOf(ratios));
}

/** "1.23 (1.10-1.40)": the median and, when repetitions differ, the range. */
export function formatSpread(s: Spread | undefined, digits = 2): string {
  if (s === undefined || Number.isNaN(s.median)) return "-";
  const f = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(digits));
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)} to ${f(s.max)})`;
}

function cpuCell(cpu: Record<string, Spread>): string {
  return Object.entries(cpu)
    .map(([name, s]) => `${name} ${Number.isNaN(s.median) ? "-" : s.median.toFixed(0)}`)
    .join(", ");
}

export function unaryTable(rows: readonly CaseSummary[]): string {
  const lines = [
    "| case | conc. | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | failed | CPU µs/req | CPU % of a core |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.concurrency} | ${formatSpread(r.requestsPerSecond, 0)} | ${formatSpread(r.p50Ms, 3)} | ${formatSpread(r.p99Ms, 3)} | ${formatSpread(r.overheadP50Ms, 3)} | ${formatSpread(r.overheadP99Ms, 3)} | ${r.failed} | ${formatSpread(r.cpuUsPerRequest, 0)} | ${cpuCell(r.cpuPct)} |`,
    );
  }
  return lines.join("\n");
}

export function streamTable(rows: readonly StreamCaseSummary[]): string {
  const lines = [
    "| case | conc. | streams/s | TTFT p50 ms | TTFT p99 ms | added TTFT p50 ms | added TTFT p99 ms | total p50 ms | total p99 ms | failed | CPU % of a core |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.concurrency} | ${formatSpread(r.streamsPerSecond, 0)} | ${formatSpread(r.ttftP50Ms, 3)} | ${formatSpread(r.ttftP99Ms, 3)} | ${formatSpread(r.ttftOverheadP50Ms, 3)} | ${formatSpread(r.ttftOverheadP99Ms, 3)} | ${formatSpread(r.totalP50Ms, 3)} | ${formatSpread(r.totalP99Ms, 3)} | ${r.failed} | ${cpuCell(r.cpuPct)} |`,
    );
  }
  return lines.join("\n");
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  /** undefined when the case did not run. */
  met: boolean | undefined;
}

export function targetsTable(targets: readonly TargetCheck[]): string {
  const lines = ["| target | goal | measured | met |", "| --- | --- | --- | --- |"];
  for (const t of targets) lines.push(`| ${t.name} | ${t.target} | ${t.measured} | ${t.met === undefined ? "not run" : t.met ? "yes" : "**no**"} |`);
  return lines.join("\n");
}
