// RouterService handlers: proto in, core call, proto out. Errors are mapped
// by the error interceptor, so handlers only translate.
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { RouterService } from "../../gen/tierd/v1/router_pb.js";
import { authorizeRequest } from "../callers/index.js";
import type { CallContext, ClassifyInput, CompletionRequest } from "../core/types.js";
import type { InputLimits } from "../callers/index.js";
import type { Router } from "../router/index.js";
import { PRINCIPAL } from "./auth-interceptor.js";
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
  const principal = ctx.values.get(PRINCIPAL);
  return {
    signal: ctx.signal,
    ...(timeoutMs === undefined ? {} : { deadlineAt: Date.now() + timeoutMs }),
    ...(principal === undefined ? {} : { principal }),
  };
}

export interface RouterServiceOptions extends RequestDefaults {
  /** Input limits (and the output-token default); none when absent. */
  limits?: InputLimits;
}

export function routerServiceImpl(router: Router, options: RouterServiceOptions): ServiceImpl<typeof RouterService> {
  const { limits } = options;
  // Limits first (cheap, and the caller learns what to shorten), then what
  // the authenticated caller may ask for.
  const classifyInput = (input: ClassifyInput, ctx: HandlerContext) => {
    limits?.checkClassify(input);
    return authorized(input, ctx);
  };
  const completionRequest = (request: CompletionRequest, ctx: HandlerContext) => authorized(limits?.checkCompletion(request) ?? request, ctx);

  return {
    async classify(req, ctx) {
      const result = await router.classify(classifyInput(classifyInputOf(req, options), ctx), callContextOf(ctx));
      return classifyResponseOf(result);
    },
    async route(req, ctx) {
      const result = await router.route(completionRequest(completionRequestOf(req, options), ctx), callContextOf(ctx));
      return routeResponseOf(result);
    },
    async *streamCompletion(req, ctx) {
      const request = completionRequest(completionRequestOf(req, options), ctx);
      for await (const event of router.stream(request, callContextOf(ctx))) {
        yield streamResponseOf(event);
      }
    },
  };
}

function authorized<T extends ClassifyInput>(request: T, ctx: HandlerContext): T {
  const principal = ctx.values.get(PRINCIPAL);
  return principal === undefined ? request : authorizeRequest(principal, request);
}
