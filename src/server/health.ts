// grpc.health.v1.Health: SERVING while tierd takes traffic, NOT_SERVING once
// shutdown begins, so load balancers drain it before it stops.
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { HealthCheckResponse_ServingStatus as Status, type Health } from "../../gen/grpc/health/v1/health_pb.js";

export interface HealthState {
  /** Status of a service name ("" is the whole server); undefined when unknown. */
  statusOf(service: string): Status | undefined;
  /** Moves every known service to `status` and notifies watchers. */
  setAll(status: Status): void;
  subscribe(listener: () => void): () => void;
}

export function createHealthState(services: readonly string[]): HealthState {
  const statuses = new Map<string, Status>([["", Status.SERVING], ...services.map((s) => [s, Status.SERVING] as const)]);
  const listeners = new Set<() => void>();
  return {
    statusOf: (service) => statuses.get(service),
    setAll(status) {
      for (const key of statuses.keys()) statuses.set(key, status);
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function healthServiceImpl(state: HealthState): ServiceImpl<typeof Health> {
  return {
    check(req) {
      const status = state.statusOf(req.service);
      if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return { status };
    },
    async *watch(req, ctx) {
      // Per the protocol, Watch sends the current status at once and again on
      // every change; an unknown service is SERVICE_UNKNOWN, not an error.
      let wake: (() => void) | undefined;
      const unsubscribe = state.subscribe(() => wake?.());
      const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      try {
        let last: Status | undefined;
        while (!ctx.signal.aborted) {
          const status = state.statusOf(req.service) ?? Status.SERVICE_UNKNOWN;
          if (status !== last) {
            last = status;
            yield { status };
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
