import { describe, expect, it } from "vitest";
import { parseDataset, parsePythonStringList } from "../../src/classifier/datasets.js";
import { splitOf } from "../../src/classifier/index.js";

describe("training data formats", () => {
  it("reads {prompt, tier} JSONL, ignoring extra fields, and names a bad line", () => {
    const { format, examples } = parseDataset('{"prompt":"hi","tier":"nano","x":1}\n{"prompt":"design it","tier":"frontier"}\n', "ledger.jsonl");
    expect(format).toBe("labels");
    expect(examples.map((e) => [e.prompt, e.label])).toEqual([
      ["hi", 0],
      ["design it", 2],
    ]);
    expect(() => parseDataset('{"prompt":"hi","tier":"huge"}\n', "ledger.jsonl")).toThrow('ledger.jsonl:1: tier must be nano, mid or frontier, got "huge"');
  });

  it("reads CSV with prompt and tier", () => {
    const { examples } = parseDataset('id,prompt,tier\n1,"Hello, world",mid\n', "labels.csv");
    expect(examples[0]).toMatchObject({ id: "1", prompt: "Hello, world", label: 1 });
  });

  it("labels two-model rows by what the strong model adds, never reading subject", () => {
    const csv = 'id,subject,prompt,weak_correct,strong_correct\na,law,"Q1\nA. x\nAnswer:",0,1\nb,law,Q2,1,1\nc,law,Q3,1,0\nd,law,Q4,0,0\n';
    const { format, examples } = parseDataset(csv, "routellm-x.csv");
    expect(format).toBe("routellm");
    expect(examples.map((e) => e.label)).toEqual([2, 1, 0, 1]);
    expect(examples[0]!.correct).toEqual({ weak: 0, strong: 1 });
    expect(JSON.stringify(examples)).not.toContain("law");
  });

  it("labels three-tier rows by the cheapest tier that answers, and skips blank cells", () => {
    const csv =
      "id,category,question,options,nano_correct,mid_correct,frontier_correct,gemini_flash_correct,gemini_pro_correct\n" +
      `1,math,What is 2+2?,"['3', ""4's""]",1,1,1,,\n2,math,Q,['a'],0,1,1,,\n3,math,Q3,['a'],0,0,1,,\n4,math,Q4,['a'],0,0,0,,\n5,math,Q5,['a'],,1,1,,\n`;
    const { examples } = parseDataset(csv, "mmlu-pro.csv");
    expect(examples.map((e) => e.label)).toEqual([0, 1, 2, 1]);
    expect(examples[0]!.prompt).toBe("What is 2+2?\nA. 3\nB. 4's\nAnswer:");
  });

  it("parses Python string lists with either quote", () => {
    expect(parsePythonStringList(`['it\\'s', "say \\"hi\\"", 'a, b']`, "x")).toEqual(["it's", 'say "hi"', "a, b"]);
  });

  it("splits by question stem, so one question is on the same side in every file", () => {
    const stem = "Find the degree for the given field extension Q(sqrt(2)) over Q.";
    expect(splitOf({ splitKey: stem })).toBe(splitOf({ splitKey: stem.toUpperCase() + "  " }));
    const sides = new Set(Array.from({ length: 400 }, (_, i) => splitOf({ splitKey: `question ${i}` })));
    expect(sides).toEqual(new Set(["train", "validation", "held-out"]));
  });
});
