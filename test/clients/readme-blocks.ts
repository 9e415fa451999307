// Reads the fenced blocks of docs/calling.md ("Calling tierd", moved out of
// the README), so tests can run exactly what the docs tell callers to run.
// Every block of the file counts. A block's info string says how it is
// verified:
//   sh                run against a live tierd (readme.test.ts)
//   sh needs=X        the same, where tool X is installed (always in CI)
//   sh install        the package install, run by ts-package.test.ts
//   sh ci             every command line appears verbatim in .ci/run
//   ts|python mirror=PATH  equal to that file, which a test runs
// A `# prints: TEXT` line in an sh block is an expectation on its output.
import { readFileSync } from "node:fs";

export interface ReadmeBlock {
  lang: string;
  /** Words after the language: flags (`install`) and `key=value` pairs. */
  flags: Set<string>;
  attrs: Record<string, string>;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The doc whose blocks these are; line numbers in messages are its lines. */
export const CALLING_DOC = "docs/calling.md";

export function callingTierdBlocks(doc = readFileSync(CALLING_DOC, "utf8")): ReadmeBlock[] {
  const lines = doc.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") body.push(lines[j++]!);
    if (j === lines.length) throw new Error(`${CALLING_DOC} line ${i + 1}: unterminated code block`);
    const flags = new Set<string>();
    const attrs: Record<string, string> = {};
    for (const word of open[2]!.trim().split(/\s+/).filter(Boolean)) {
      const eq = word.indexOf("=");
      if (eq < 0) flags.add(word);
      else attrs[word.slice(0, eq)] = word.slice(eq + 1);
    }
    blocks.push({ lang: open[1]!, flags, attrs, code: body.join("\n") + "\n", line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The `# prints:` expectations of an sh block. */
export function expectedOutputs(block: ReadmeBlock): string[] {
  return [...block.code.matchAll(/^# prints: (.+)$/gm)].map((m) => m[1]!);
}

/** Command lines of an sh block: comments and blank lines dropped, continuations joined. */
export function commandLines(block: ReadmeBlock): string[] {
  return block.code
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * The doc's addresses, made real: the documented port becomes the live
 * tierd, and `../my-service` (the caller's project) a fresh directory.
 */
export function localize(code: string, live: { url: string; serviceDir: string }): string {
  const hostPort = new URL(live.url).host;
  return code
    .replaceAll("http://127.0.0.1:50051", live.url.replace(/\/$/, ""))
    .replaceAll("127.0.0.1:50051", hostPort)
    .replaceAll("../my-service", live.serviceDir);
}
