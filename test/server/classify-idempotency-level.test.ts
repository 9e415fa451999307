// Classify is IDEMPOTENT, not NO_SIDE_EFFECTS (it writes a ledger record and
// counts against rate limits), so Connect's HTTP GET form, which a cache in
// between may answer without tierd, is not offered for it; POST is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { RouterService } from "../../gen/tierd/v1/router_pb.js";
import { startTestTierd, type TestTierd } from "../helpers/tierd.js";

describe("Classify's idempotency level", () => {
  let t: TestTierd;
  beforeAll(async () => {
    t = await startTestTierd();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is IDEMPOTENT in the service descriptor", () => {
    expect(RouterService.method.classify.idempotency).toBe(MethodOptions_IdempotencyLevel.IDEMPOTENT);
  });

  it("answers a Connect POST and refuses the GET form", async () => {
    const message = JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Is 7 a prime number?" }] });
    const post = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Classify`, { method: "POST", headers: { "content-type": "application/json" }, body: message });
    expect(post.status).toBe(200);
    expect(await post.json()).toHaveProperty("decision");
    const query = new URLSearchParams({ connect: "v1", encoding: "json", message });
    const get = await fetch(`${t.tierd.url}/tierd.v1.RouterService/Classify?${query}`);
    expect(get.status).toBe(405);
    expect(await get.text()).not.toContain("decision");
  });
});
