// The requests every case sends, built once: the same prompt for the
// baseline, tierd and the peer, so they differ only in what sits between the
// generator and the fake upstream.
import { create, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { ClassifyRequestSchema, Role, RouteRequestSchema, StreamCompletionRequestSchema } from "../../gen/tierd/v1/router_pb.js";

/** A short, everyday request: the case a router must add least to. */
export const BENCH_PROMPT =
  "Summarise these meeting notes in two sentences: the launch moved to March, QA needs two more engineers, and the budget review is on Friday.";

/** The model the baseline and the peer ask for directly. */
export const DIRECT_MODEL = "openai/gpt-4o-mini";

export function chatCompletionJson(stream: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: DIRECT_MODEL,
      messages: [{ role: "user", content: BENCH_PROMPT }],
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
  );
}

/** A gRPC length-prefixed message: flag byte 0 (uncompressed), 4-byte big-endian length, bytes. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

function binary<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

const messages = [{ role: Role.USER, content: BENCH_PROMPT }];

export const routeRequestBinary = (): Uint8Array => binary(RouteRequestSchema, { messages });
export const classifyRequestBinary = (): Uint8Array => binary(ClassifyRequestSchema, { messages });
export const streamRequestBinary = (): Uint8Array => binary(StreamCompletionRequestSchema, { messages });

/** Field number 2 (delta) of StreamCompletionResponse's oneof, wire type 2: the tag byte that starts a delta message. */
export const DELTA_TAG = (2 << 3) | 2;
