import { Readable } from "node:stream";
import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { chatChunkBatchesOf, chatChunksOf } from "../../src/provider/sse-chunks.js";

const headers = new Headers({ "content-type": "text/event-stream" });
const chunk = (content: string, finish: string | null = null) => JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

/** A body delivering exactly these pieces, one read each. */
function bodyOf(pieces: (string | Uint8Array)[]): Readable {
  return Readable.from(pieces.map((p) => (typeof p === "string" ? Buffer.from(p) : p)), { objectMode: false });
}

async function contents(body: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chatChunksOf(body, headers)) out.push(c.choices[0]?.delta?.content ?? "");
  return out;
}

describe("chatChunkBatchesOf", () => {
  it("yields the chunks of one read together, skips reads that complete no event, and delivers a read's chunks before its error", async () => {
    const batches: string[][] = [];
    const reads = [`data: ${chunk("a")}\n\ndata: ${chunk("b")}\n\ndata: ${chunk("c")}`, `\n\n`, ": comment\n", `data: ${chunk("d", "stop")}\n\ndata: [DONE]\n\n`];
    for await (const b of chatChunkBatchesOf(bodyOf(reads), headers)) batches.push(b.map((c) => c.choices[0]?.delta?.content ?? ""));
    expect(batches).toEqual([["a", "b"], ["c"], ["d"]]);

    const seen: string[] = [];
    const broken = (async () => {
      for await (const b of chatChunkBatchesOf(bodyOf([`data: ${chunk("a")}\n\ndata: ${chunk("b")}\n\ndata: {not json\n\n`]), headers)) seen.push(...b.map((c) => c.choices[0]?.delta?.content ?? ""));
    })();
    await expect(broken).rejects.toThrow(SyntaxError);
    expect(seen).toEqual(["a", "b"]);
  });
});

describe("chatChunksOf", () => {
  it("parses data events split anywhere across reads, with LF, CRLF or CR line ends, comments and multi-byte text", async () => {
    const text = `: keep-alive\n\ndata: ${chunk("Grüße ")}\r\n\r\ndata: ${chunk("日本")}\r\rdata: ${chunk("!", "stop")}\n\ndata: [DONE]\n\n`;
    const bytes = Buffer.from(text);
    // Every split point, so a CRLF, an event boundary or a UTF-8 sequence is cut in two at some point.
    for (let at = 1; at < bytes.length; at += 7) {
      expect(await contents(bodyOf([bytes.subarray(0, at), bytes.subarray(at)]))).toEqual(["Grüße ", "日本", "!"]);
    }
    // One byte per read.
    expect(await contents(bodyOf([...bytes].map((b) => Uint8Array.of(b))))).toEqual(["Grüße ", "日本", "!"]);
  });

  it("joins multi-line data, ignores the rest of the body after [DONE], and never dispatches an unterminated last event", async () => {
    const two = `data: {"choices":[{"index":0,\ndata: "delta":{"content":"a"},"finish_reason":null}]}\n\n`;
    expect(await contents(bodyOf([two, "data: [DONE]\n\n", `data: ${chunk("after done")}\n\n`]))).toEqual(["a"]);
    expect(await contents(bodyOf([`data: ${chunk("x")}\n\ndata: ${chunk("cut off")}`]))).toEqual(["x"]);
    expect(await contents(bodyOf([`data: ${chunk("x")}\n\ndata: ${chunk("cut off")}\r`]))).toEqual(["x"]);
  });

  it("throws the SDK's APIError for an error in the stream, and the SyntaxError for data that is not JSON", async () => {
    const err = await contents(bodyOf([`data: ${chunk("a")}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n`])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain("overloaded");
    const named = await contents(bodyOf([`event: error\ndata: {"error":{"message":"bad"},"message":"bad"}\n\n`])).catch((e: unknown) => e);
    expect(named).toBeInstanceOf(APIError);
    await expect(contents(bodyOf(["data: {not json\n\n"]))).rejects.toThrow(SyntaxError);
  });

  it("ends quietly on an abort, passes other body errors on, and destroys the body when the reader stops early", async () => {
    const aborting = new Readable({ read() {} });
    aborting.push(`data: ${chunk("a")}\n\n`);
    setImmediate(() => aborting.destroy(Object.assign(new Error("aborted"), { name: "AbortError" })));
    expect(await contents(aborting)).toEqual(["a"]);

    const broken = new Readable({ read() {} });
    broken.push(`data: ${chunk("a")}\n\n`);
    setImmediate(() => broken.destroy(new Error("socket hang up")));
    await expect(contents(broken)).rejects.toThrow("socket hang up");

    const endless = new Readable({ read() {} });
    endless.push(`data: ${chunk("a")}\n\ndata: ${chunk("b")}\n\n`);
    for await (const c of chatChunksOf(endless, headers)) {
      expect(c.choices[0]?.delta?.content).toBe("a");
      break;
    }
    expect(endless.destroyed).toBe(true);
  });
});
