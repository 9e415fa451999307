// A cached answer, replayed as a stream: the same events a live stream
// yields (deltas in order, then the completion), so StreamCompletion sends
// decision, deltas and summary whether the answer came from upstream or not.
import type { Completion } from "../core/types.js";
import type { ProviderStreamEvent } from "../provider/index.js";

/**
 * Characters per replayed delta. Live streams send a token or so per delta;
 * replaying that way would cost a message per word for text that is all
 * here already. A few hundred characters keep the message count low while a
 * reader still sees a stream of several deltas for any paragraph.
 */
export const REPLAY_CHUNK_CHARS = 256;

export async function* replayCompletion(completion: Completion, maxChars = REPLAY_CHUNK_CHARS): AsyncGenerator<ProviderStreamEvent, void, undefined> {
  for (const piece of replayChunks(completion.content, maxChars)) yield { kind: "delta", content: piece };
  yield { kind: "done", completion };
}

/**
 * Splits text into pieces of at most `maxChars`, cutting after whitespace
 * when there is some in the second half of a piece, so words arrive whole,
 * and never between the two halves of a surrogate pair.
 */
export function replayChunks(text: string, maxChars = REPLAY_CHUNK_CHARS): string[] {
  const size = Math.max(2, Math.floor(maxChars));
  const out: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    let end = start + size;
    const floor = start + Math.floor(size / 2);
    let cut = -1;
    for (let i = end - 1; i >= floor; i--) {
      if (isWhitespace(text.charCodeAt(i))) {
        cut = i + 1;
        break;
      }
    }
    if (cut > start) end = cut;
    else if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
