// gRPC server reflection (v1 and v1alpha), so `buf curl` and grpcurl work
// without a local copy of the protos.
import { toBinary, type DescFile, type DescMessage, type DescEnum } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

export interface ReflectionIndex {
  services: string[];
  fileByName: Map<string, DescFile>;
  fileBySymbol: Map<string, DescFile>;
}

/** Indexes every file reachable from `files` by name and by symbol. */
export function createReflectionIndex(files: readonly DescFile[], services: readonly string[]): ReflectionIndex {
  const fileByName = new Map<string, DescFile>();
  const fileBySymbol = new Map<string, DescFile>();
  const visit = (file: DescFile) => {
    if (fileByName.has(file.proto.name)) return;
    fileByName.set(file.proto.name, file);
    const addMessage = (m: DescMessage) => {
      fileBySymbol.set(m.typeName, file);
      for (const f of m.fields) fileBySymbol.set(`${m.typeName}.${f.name}`, file);
      m.nestedMessages.forEach(addMessage);
      m.nestedEnums.forEach(addEnum);
    };
    const addEnum = (e: DescEnum) => fileBySymbol.set(e.typeName, file);
    file.messages.forEach(addMessage);
    file.enums.forEach(addEnum);
    for (const s of file.services) {
      fileBySymbol.set(s.typeName, file);
      for (const m of s.methods) fileBySymbol.set(`${s.typeName}.${m.name}`, file);
    }
    for (const e of file.extensions) fileBySymbol.set(e.typeName, file);
    file.dependencies.forEach(visit);
  };
  files.forEach(visit);
  return { services: [...services], fileByName, fileBySymbol };
}

/** The file and every file it depends on, transitively, as serialized descriptors. */
function withDependencies(file: DescFile): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const visit = (f: DescFile) => {
    if (seen.has(f.proto.name)) return;
    seen.add(f.proto.name);
    out.push(toBinary(FileDescriptorProtoSchema, f.proto));
    f.dependencies.forEach(visit);
  };
  visit(file);
  return out;
}

type Request = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

// v1 and v1alpha share the wire format; the answer is built once as a plain
// init shape and each version's handler adds its own original_request.
function answer(index: ReflectionIndex, req: Request) {
  const notFound = (what: string) => ({
    case: "errorResponse" as const,
    value: { errorCode: 5, errorMessage: `${what} not found` },
  });
  const r = req.messageRequest;
  let messageResponse;
  switch (r.case) {
    case "listServices":
      messageResponse = { case: "listServicesResponse" as const, value: { service: index.services.map((name) => ({ name })) } };
      break;
    case "fileByFilename": {
      const file = index.fileByName.get(r.value);
      messageResponse = file
        ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: withDependencies(file) } }
        : notFound(`file ${r.value}`);
      break;
    }
    case "fileContainingSymbol": {
      const file = index.fileBySymbol.get(r.value.replace(/^\./, ""));
      messageResponse = file
        ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: withDependencies(file) } }
        : notFound(`symbol ${r.value}`);
      break;
    }
    case "fileContainingExtension":
      messageResponse = notFound(`extension ${r.value.containingType}(${r.value.extensionNumber})`);
      break;
    case "allExtensionNumbersOfType":
      messageResponse = index.fileBySymbol.has(r.value)
        ? { case: "allExtensionNumbersResponse" as const, value: { baseTypeName: r.value, extensionNumber: [] } }
        : notFound(`type ${r.value}`);
      break;
    default:
      messageResponse = { case: "errorResponse" as const, value: { errorCode: 3, errorMessage: "empty reflection request" } };
  }
  return { validHost: req.host, messageResponse };
}

export function registerReflection(router: ConnectRouter, index: ReflectionIndex): void {
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests: AsyncIterable<v1.ServerReflectionRequest>, _ctx: HandlerContext) {
      for await (const req of requests) yield { ...answer(index, req), originalRequest: req };
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests: AsyncIterable<v1alpha.ServerReflectionRequest>, _ctx: HandlerContext) {
      for await (const req of requests) yield { ...answer(index, req), originalRequest: req };
    },
  });
}
