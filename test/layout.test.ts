// The shape of src/: the README's module map names every folder (and only
// those), folders import each other without cycles, and only the edge
// (server/, telemetry/, the composition root) touches Connect or the
// OpenTelemetry SDK. And the README stays short, its links into docs/
// resolving.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = "src";
const EDGE = new Set(["server", "telemetry", "."]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The top folder of src/ a path is in ("." for files directly in src/). */
function folderOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes(sep) ? rel.split(sep)[0]! : ".";
}

/** Import specifiers (static, dynamic and re-exports) of one file. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]!);
}

/** Folder-level import graph under src/. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = normalize(join(dirname(file), spec));
      if (relative(SRC, target).startsWith("..")) continue;
      const to = folderOf(target);
      if (to !== from) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path a -> b -> ... -> a, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("layout of src/", () => {
  it("has no import cycle between folders", () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycle(graph)).toBeUndefined();
  });

  it("finds a cycle when there is one (the check itself)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
    expect(findCycle(new Map([["a", new Set(["b"])]]))).toBeUndefined();
  });

  it("is the README's module map, folder for folder", () => {
    const readme = readFileSync("README.md", "utf8");
    const start = readme.indexOf("<!-- module-map:start -->");
    const end = readme.indexOf("<!-- module-map:end -->");
    expect(start).toBeGreaterThan(0);
    const mapped = [...readme.slice(start, end).matchAll(/^\| `src\/([a-z-]+)\/` \|/gm)].map((m) => m[1]!).sort();
    const folders = readdirSync(SRC)
      .filter((name) => statSync(join(SRC, name)).isDirectory())
      .sort();
    expect(mapped).toEqual(folders);
  });

  it("keeps Connect and the OpenTelemetry SDK at the edge", () => {
    const offenders = sourceFiles(SRC).filter(
      (file) =>
        !EDGE.has(folderOf(file)) &&
        specifiers(readFileSync(file, "utf8")).some((s) => s.startsWith("@connectrpc/") || (s.startsWith("@opentelemetry/") && s !== "@opentelemetry/api")),
    );
    expect(offenders).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

describe("README.md", () => {
  it("is short, and every docs/*.md it links to exists (with the linked heading)", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme.split("\n").length - (readme.endsWith("\n") ? 1 : 0)).toBeLessThanOrEqual(250);
    const links = [...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)(?:#([^)\s]+))?\)/g)].map((m) => ({ file: m[1]!, anchor: m[2] }));
    expect(links.length).toBeGreaterThan(0);
    const broken = links.filter(({ file, anchor }) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return true;
      }
      if (anchor === undefined) return false;
      const anchors = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!));
      return !anchors.includes(anchor);
    });
    expect(broken).toEqual([]);
    const docs = readdirSync("docs").filter((name) => name.endsWith(".md"));
    const linked = new Set(links.map((l) => l.file));
    expect(docs.filter((name) => !linked.has(`docs/${name}`)), "docs/ files the README does not link").toEqual([]);
  });
});
