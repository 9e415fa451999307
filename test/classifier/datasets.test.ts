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

  it("reads graded two-model rows (weak_score, strong_score in [0, 1]) and calls a gain within one grade step a tie", () => {
    const csv = "id,category,prompt,weak_score,strong_score,nano_score\na,x,P1,0.111111,1,0\nb,x,P2,0.777778,0.888889,0\nc,x,P3,1,0.222222,0\nd,x,P4,,1,0\n";
    const { format, examples } = parseDataset(csv, "arena.csv");
    expect(format).toBe("scores");
    expect(examples.map((e) => [e.prompt, e.label])).toEqual([
      ["P1", 2],
      ["P2", 1],
      ["P3", 0],
    ]);
    expect(examples[0]!.correct).toEqual({ weak: 0.111111, strong: 1 });
    expect(() => parseDataset("prompt,weak_score,strong_score\nQ,2,1\n", "bad.csv")).toThrow("bad.csv row 2: weak_score must be a number in [0, 1]");
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
