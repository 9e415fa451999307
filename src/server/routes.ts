// The services tierd serves, as one routes function: the same function
// mounts them on the HTTP server (connect-node) and on an in-memory transport
// (`createRouterTransport`), so a test can call every RPC without a socket.
import type { DescFile } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { file_google_rpc_error_details } from "../../gen/google/rpc/error_details_pb.js";
import { file_grpc_health_v1_health, Health } from "../../gen/grpc/health/v1/health_pb.js";
import { file_grpc_reflection_v1_reflection } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { AdminService, file_tierd_v1_admin } from "../../gen/tierd/v1/admin_pb.js";
import { file_tierd_v1_errors } from "../../gen/tierd/v1/errors_pb.js";
import { file_tierd_v1_router, RouterService } from "../../gen/tierd/v1/router_pb.js";
import type { Router } from "../router/index.js";
import { adminServiceImpl, type AdminServiceDeps } from "./admin-service.js";
import { healthServiceImpl, type HealthState } from "./health.js";
import { createReflectionIndex, registerReflection } from "./reflection.js";
import { routerServiceImpl, type RouterServiceOptions } from "./router-service.js";

/** Services anyone may call, authenticated or not. */
export const OPEN_SERVICES: readonly string[] = [Health.typeName, "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

/** Services that need an admin key. */
export const ADMIN_SERVICES: readonly string[] = [AdminService.typeName];

/** Every service, for health and reflection. */
export const SERVED_SERVICES: readonly string[] = [RouterService.typeName, ...ADMIN_SERVICES, ...OPEN_SERVICES];

/** Files served by reflection: the API and the protocols around it. */
const SERVED_FILES: DescFile[] = [
  file_tierd_v1_router,
  file_tierd_v1_admin,
  file_tierd_v1_errors,
  file_google_rpc_error_details,
  file_grpc_health_v1_health,
  file_grpc_reflection_v1_reflection,
  file_grpc_reflection_v1alpha_reflection,
];

export interface TierdServices {
  router: Router;
  routerOptions: RouterServiceOptions;
  admin: AdminServiceDeps;
  health: HealthState;
}

export function tierdRoutes(services: TierdServices): (r: ConnectRouter) => void {
  const reflection = createReflectionIndex(SERVED_FILES, SERVED_SERVICES);
  return (r) => {
    r.service(RouterService, routerServiceImpl(services.router, services.routerOptions));
    r.service(AdminService, adminServiceImpl(services.admin));
    r.service(Health, healthServiceImpl(services.health));
    registerReflection(r, reflection);
  };
}
