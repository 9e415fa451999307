// Checks the fake upstream's tests share: a call OpenAI would refuse, and a
// value a JSON schema accepts (zod reads the schema, so the check is not the
// fake's own generator grading itself).
import OpenAI from "openai";
import { z } from "zod";

/** The 400 a call ended in; fails the test when it ended otherwise. */
export async function refusalOf(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof OpenAI.BadRequestError)) throw new Error(`expected a 400 from the fake upstream, got ${String(outcome)}`);
  return outcome;
}

export function matchesSchema(schema: object, value: unknown): boolean {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success;
}
