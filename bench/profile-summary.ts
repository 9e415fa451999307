// Reads a V8 CPU profile (`node --cpu-prof`) and prints where the time went:
// the functions with the most self time, and self time per package (tierd's
// own src/, each node_modules package, Node internals, GC, idle).
//
//   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  micros: number;
}

export interface ProfileSummary {
  totalMicros: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

/** Where a script URL belongs: "tierd:src/router", "npm:@connectrpc/connect", "node", or a V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return `npm:${rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.match(/\/(src|gen|bench)\/([^/]+)\//);
  if (src) return `tierd:${src[1]}/${src[2]}`;
  return url.replace(/^file:\/\//, "");
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const selfById = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfById) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += micros;
    const short = url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(src|gen|bench)\//, "$1/");
    const fn = `${functionName || "(anonymous)"} ${short}${url ? `:${lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, micros]) => ({ name, micros })).sort((a, b) => b.micros - a.micros);
  return { totalMicros: total, functions: sorted(functions), packages: sorted(packages) };
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: "string", default: "30" } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    process.stderr.write("usage: profile-summary FILE.cpuprofile [--top N]\n");
    process.exit(2);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(positionals[0]!, "utf8")) as CpuProfile);
  const top = Number(values.top);
  const busy = summary.totalMicros - (summary.packages.find((p) => p.name === "(idle)")?.micros ?? 0);
  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  console.log(`total ${(summary.totalMicros / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s (percentages of busy time)\n`);
  console.log("self time by package:");
  for (const p of summary.packages.filter((p) => p.name !== "(idle)").slice(0, top)) console.log(`  ${pct(p.micros)}  ${p.name}`);
  console.log("\nself time by function:");
  for (const f of summary.functions.filter((f) => !f.name.startsWith("(idle)")).slice(0, top)) console.log(`  ${pct(f.micros)}  ${f.name}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
