// RouterService handlers: proto in, core call, proto out. Errors are mapped
// by the error interceptor, so handlers only translate.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { RouterService } from "../../gen/tierd/v1/router_pb.js";
import type { CallContext } from "../core/types.js";
import type { Router } from "../router/index.js";
import {
  classifyInputOf,
  classifyResponseOf,
  completionRequestOf,
  routeResponseOf,
  streamResponseOf,
  type RequestDefaults,
} from "./convert.js";

export function callContextOf(ctx: HandlerContext): CallContext {
  const timeoutMs = ctx.timeoutMs();
  return timeoutMs === undefined ? { signal: ctx.signal } : { signal: ctx.signal, deadlineAt: Date.now() + timeoutMs };
}

export function routerServiceImpl(router: Router, defaults: RequestDefaults): ServiceImpl<typeof RouterService> {
  return {
    async classify(req, ctx) {
      const result = await router.classify(classifyInputOf(req, defaults), callContextOf(ctx));
      return classifyResponseOf(result);
    },
    async route(req, ctx) {
      const result = await router.route(completionRequestOf(req, defaults), callContextOf(ctx));
      return routeResponseOf(result);
    },
    async *streamCompletion(req, ctx) {
      const request = completionRequestOf(req, defaults);
      for await (const event of router.stream(request, callContextOf(ctx))) {
        yield streamResponseOf(event);
      }
    },
  };
}
