// deploy/: the compose file, the Kubernetes manifests and the tierd config
// they share, read as YAML and held to what tierd really does: the config
// parses with tierd's own parseConfig from the environment each of them
// provides (and starts against the real PostgreSQL and Redis), the probes
// ask paths tierd serves on the port it listens on, selectors select, the
// grace period outlasts the drain, and the Secret holds placeholders only.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTierd, type Tierd } from "../../src/app.js";
import { configSchema, parseConfig, type Config } from "../../src/config/index.js";
import { silentLogger } from "../../src/core/log.js";
import { createTestSchema, type TestSchema } from "../helpers/postgres.js";
import { REDIS_URL } from "../helpers/redis.js";

type Yaml = Record<string, unknown>;
type Env = Record<string, string>;

const read = (path: string) => readFileSync(path, "utf8");
const TIERD_YAML = read("deploy/tierd.yaml");
const K8S = "deploy/k8s";

/** Every document of every manifest, by kind. */
function manifests(): Map<string, Yaml> {
  const byKind = new Map<string, Yaml>();
  for (const file of ["configmap.yaml", "secret.example.yaml", "deployment.yaml", "service.yaml", "migrate-job.yaml", "hpa.yaml"]) {
    for (const doc of parseAllDocuments(read(join(K8S, file)))) {
      expect(doc.errors, file).toEqual([]);
      const m = doc.toJS() as Yaml;
      expect(m.apiVersion, file).toBeTypeOf("string");
      expect((m.metadata as Yaml | undefined)?.name, file).toBeTypeOf("string");
      byKind.set(m.kind as string, m);
    }
  }
  return byKind;
}

const at = (value: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value);
const obj = (value: unknown, ...path: (string | number)[]) => at(value, ...path) as Yaml;
const list = (value: unknown, ...path: (string | number)[]) => (at(value, ...path) ?? []) as Yaml[];

// Shaped stand-ins for what operators fill in: a key digest is 64 hex
// digits, a URL a URL. The tests check these cover exactly the names the
// Secret and deploy/env.example hold.
const SECRET_FAKES: Env = {
  TIERD_BASE_URL: "https://upstream.example/v1",
  TIERD_API_KEY: "test-upstream-key",
  TIERD_DATABASE_URL: "postgres://tierd:test@postgres.example:5432/tierd?schema=tierd",
  TIERD_REDIS_URL: "redis://:test@redis.example:6379/0",
  TIERD_CALLER_KEY_SHA256: "a".repeat(64),
  TIERD_ADMIN_KEY_SHA256: "b".repeat(64),
};
const COMPOSE_FAKES: Env = {
  TIERD_BASE_URL: "https://upstream.example/v1",
  TIERD_API_KEY: "test-upstream-key",
  POSTGRES_PASSWORD: "test-pg",
  REDIS_PASSWORD: "test-redis",
  TIERD_CALLER_KEY_SHA256: "a".repeat(64),
  TIERD_ADMIN_KEY_SHA256: "b".repeat(64),
};

/** `${VAR}`s a config needs from the environment: those without a `:-default`. */
function requiredVars(yamlText: string): string[] {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) if (m[2] === undefined) names.add(m[1]!);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v !== null && typeof v === "object") {
      Object.values(v).forEach(walk);
    }
  };
  walk(parse(yamlText));
  return [...names].sort();
}

/** A container's environment: literal values, and every key of the Secrets it takes whole (envFrom), from `secrets`. */
function containerEnv(container: Yaml, secrets: Map<string, Env>): Env {
  const env: Env = {};
  for (const from of list(container, "envFrom")) {
    const name = at(from, "secretRef", "name") as string;
    const secret = secrets.get(name);
    expect(secret, `envFrom secret ${name}`).toBeDefined();
    Object.assign(env, secret);
  }
  for (const e of list(container, "env")) env[e.name as string] = e.value as string;
  return env;
}

/** Compose's own interpolation: ${VAR}, ${VAR:-default}, ${VAR:?message}, and $$ for $. */
function composeInterpolate(text: string, env: Env, used: Set<string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === "$$") return "$";
    used.add(name!);
    const value = env[name!];
    if (value !== undefined && value !== "") return value;
    if (op === "-") return arg ?? "";
    throw new Error(`compose: ${name} is required${op === "?" ? ` (${arg})` : ""}`);
  });
}

function compose(): { doc: Yaml; used: Set<string> } {
  const used = new Set<string>();
  return { doc: parse(composeInterpolate(read("deploy/compose.yaml"), COMPOSE_FAKES, used), { merge: true }) as Yaml, used };
}

/** How long tierd may take from SIGTERM to exit (app.ts close()): the drain, any delay before it, then the ledger's flush of at least 5 s. */
function stopBudgetMs(config: Config): number {
  const server = config.server as Config["server"] & { shutdown_delay_ms?: number };
  return (server.shutdown_delay_ms ?? 0) + server.shutdown_grace_ms + Math.max(5_000, server.shutdown_grace_ms);
}

describe("deploy/: Kubernetes manifests", () => {
  const k = manifests();
  const deployment = k.get("Deployment")!;
  const job = k.get("Job")!;
  const secret = k.get("Secret")!;
  const configMap = k.get("ConfigMap")!;
  const pod = obj(deployment, "spec", "template", "spec");
  const container = list(pod, "containers")[0]!;
  const secrets = new Map([[at(secret, "metadata", "name") as string, Object.fromEntries(Object.keys(obj(secret, "stringData")).map((key) => [key, SECRET_FAKES[key]!]))]]);

  it("holds one of each kind a rollout needs, and the kustomization applies all but the Secret template and the Job", () => {
    expect([...k.keys()].sort()).toEqual(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "Secret", "Service"]);
    expect(at(k.get("HorizontalPodAutoscaler"), "apiVersion")).toBe("autoscaling/v2");
    const kustomization = parse(read(join(K8S, "kustomization.yaml"))) as Yaml;
    const resources = kustomization.resources as string[];
    expect(resources.every((file) => existsSync(join(K8S, file)))).toBe(true);
    expect(resources.sort()).toEqual(["configmap.yaml", "deployment.yaml", "hpa.yaml", "service.yaml"]);
  });

  it("has a ConfigMap holding deploy/tierd.yaml verbatim, which parses from the environment the Deployment and the Job provide", () => {
    expect(at(configMap, "data", "tierd.yaml")).toBe(TIERD_YAML);
    expect(Object.keys(obj(secret, "stringData")).sort()).toEqual(Object.keys(SECRET_FAKES).sort());
    for (const c of [container, list(job, "spec", "template", "spec", "containers")[0]!]) {
      const env = containerEnv(c, secrets);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(requiredVars(TIERD_YAML)));
      const config = parseConfig(TIERD_YAML, "deploy/k8s/configmap.yaml", env);
      expect(config.counters.store).toBe("redis");
      expect(config.usage.database_url).toBe(SECRET_FAKES.TIERD_DATABASE_URL);
      expect(config.cache.redis_url).toBe(SECRET_FAKES.TIERD_REDIS_URL);
      // Where the container says the config is, the ConfigMap is mounted.
      const mount = list(c, "volumeMounts").find((m) => m.mountPath === dirname(env.TIERD_CONFIG!));
      const volume = list(c === container ? pod : obj(job, "spec", "template", "spec"), "volumes").find((v) => v.name === mount?.name);
      expect(at(volume, "configMap", "name")).toBe(at(configMap, "metadata", "name"));
      expect(Object.keys(obj(configMap, "data"))).toContain(env.TIERD_CONFIG!.split("/").at(-1));
    }
  });

  it("probes /readyz and /healthz on the port tierd listens on, which the Service targets over h2c", () => {
    const config = parseConfig(TIERD_YAML, "deploy/tierd.yaml", containerEnv(container, secrets));
    const port = list(container, "ports").find((p) => p.name === "grpc")!;
    expect(port.containerPort).toBe(config.server.port);
    expect(config.server.host).toBe("0.0.0.0");
    expect(at(container, "readinessProbe", "httpGet")).toEqual({ path: "/readyz", port: "grpc" });
    expect(at(container, "livenessProbe", "httpGet")).toEqual({ path: "/healthz", port: "grpc" });
    expect(at(container, "startupProbe", "httpGet")).toEqual({ path: "/healthz", port: "grpc" });
    const servicePort = list(k.get("Service"), "spec", "ports")[0]!;
    expect(servicePort).toMatchObject({ targetPort: "grpc", appProtocol: "kubernetes.io/h2c" });
  });

  it("selects its own pods: Deployment and Service select the pod labels, the HPA targets the Deployment, the migrations pod gets no traffic", () => {
    const podLabels = obj(deployment, "spec", "template", "metadata", "labels");
    const matches = (selector: Yaml, labels: Yaml) => Object.entries(selector).every(([key, value]) => labels[key] === value);
    expect(matches(obj(deployment, "spec", "selector", "matchLabels"), podLabels)).toBe(true);
    expect(matches(obj(k.get("Service"), "spec", "selector"), podLabels)).toBe(true);
    expect(matches(obj(k.get("Service"), "spec", "selector"), obj(job, "spec", "template", "metadata", "labels"))).toBe(false);
    expect(at(k.get("HorizontalPodAutoscaler"), "spec", "scaleTargetRef")).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: at(deployment, "metadata", "name") });
    expect(at(deployment, "spec", "replicas"), "the HPA owns the replica count").toBeUndefined();
    expect(at(job, "spec", "template", "spec", "containers", 0, "image")).toBe(container.image);
    expect(at(job, "spec", "template", "spec", "containers", 0, "args")).toEqual(["migrate"]);
  });

  it("gives a pod longer to stop than preStop, the drain and the ledger's flush take", () => {
    const config = parseConfig(TIERD_YAML, "deploy/tierd.yaml", containerEnv(container, secrets));
    const preStop = at(container, "lifecycle", "preStop", "exec", "command") as string[];
    expect(preStop[0]).toBe("sleep");
    const preStopMs = Number(preStop[1]) * 1000;
    expect((pod.terminationGracePeriodSeconds as number) * 1000).toBeGreaterThan(preStopMs + stopBudgetMs(config));
  });

  it("requests and limits resources (the autoscaler's CPU target needs the request) and runs as the image's non-root user", () => {
    expect(at(container, "resources", "requests", "cpu")).toBeDefined();
    expect(at(container, "resources", "requests", "memory")).toBeDefined();
    expect(at(container, "resources", "limits", "memory")).toBeDefined();
    expect(at(container, "resources", "limits", "cpu")).toBeDefined();
    expect(at(pod, "securityContext", "runAsNonRoot")).toBe(true);
    expect(at(pod, "securityContext", "runAsUser")).toBe(1000);
  });

  it("has a Secret template of placeholders only", () => {
    expect(secret.data, "no base64 data: stringData placeholders only").toBeUndefined();
    for (const [key, value] of Object.entries(obj(secret, "stringData"))) {
      expect(value, key).toMatch(/<[^<>]+>/);
      expect(value, key).not.toMatch(/sk-[A-Za-z0-9]{8}|[0-9a-f]{64}/);
    }
  });
});

describe("deploy/: compose", () => {
  const { doc, used } = compose();
  const services = obj(doc, "services");
  const tierds = ["tierd-1", "tierd-2", "migrate"].map((name) => obj(services, name));

  it("needs exactly the settings deploy/env.example lists", () => {
    const example = read("deploy/env.example")
      .split("\n")
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.split("=")[0]!);
    expect([...used].sort()).toEqual(example.sort());
    expect(example.sort()).toEqual(Object.keys(COMPOSE_FAKES).sort());
  });

  it("gives every tierd container the environment deploy/tierd.yaml needs, pointing at the compose PostgreSQL and Redis", () => {
    for (const service of tierds) {
      const env = service.environment as Env;
      expect(Object.keys(env)).toEqual(expect.arrayContaining(requiredVars(TIERD_YAML)));
      const config = parseConfig(TIERD_YAML, "deploy/tierd.yaml", env);
      expect(new URL(config.usage.database_url).host).toBe("postgres:5432");
      expect(new URL(config.counters.redis_url).host).toBe("redis:6379");
      expect(config.counters.store).toBe("redis");
      expect(service.volumes).toContain(`./tierd.yaml:${env.TIERD_CONFIG}:ro`);
      // The drain and the ledger's flush fit before compose sends SIGKILL.
      expect(Number(/^(\d+)s$/.exec(service.stop_grace_period as string)?.[1]) * 1000).toBeGreaterThan(stopBudgetMs(config));
    }
    expect(at(services, "tierd-1", "depends_on", "migrate", "condition")).toBe("service_completed_successfully");
    expect(at(services, "tierd-2", "depends_on", "migrate", "condition")).toBe("service_completed_successfully");
    expect(at(services, "migrate", "command")).toEqual(["migrate"]);
  });

  it("publishes each replica's listening port on loopback, and sends telemetry to the collector's OTLP/HTTP receiver", () => {
    const collector = parse(read("deploy/otel-collector.yaml")) as Yaml;
    for (const pipeline of Object.values(obj(collector, "service", "pipelines")) as Yaml[]) {
      for (const part of ["receivers", "processors", "exporters"]) for (const name of pipeline[part] as string[]) expect(Object.keys(obj(collector, part))).toContain(name.split("/")[0]);
    }
    for (const name of ["tierd-1", "tierd-2"]) {
      const config = parseConfig(TIERD_YAML, "deploy/tierd.yaml", obj(services, name).environment as Env);
      const ports = obj(services, name).ports as string[];
      expect(ports.map((p) => p.split(":"))).toEqual([["127.0.0.1", expect.any(String), String(config.server.port)]]);
      const endpoint = new URL((obj(services, name).environment as Env).OTEL_EXPORTER_OTLP_ENDPOINT!);
      expect(Object.keys(services)).toContain(endpoint.hostname);
      expect(at(collector, "receivers", "otlp", "protocols", "http", "endpoint")).toBe(`0.0.0.0:${endpoint.port}`);
    }
  });
});

describe("deploy/: the image", () => {
  it("exposes tierd's default port, which the manifests use", () => {
    const dockerfile = read("Dockerfile");
    const exposed = /^EXPOSE (\d+)$/m.exec(dockerfile)?.[1];
    expect(Number(exposed)).toBe(configSchema.shape.server.parse(undefined).port);
    expect(Number(exposed)).toBe(parseConfig(TIERD_YAML, "deploy/tierd.yaml", SECRET_FAKES).server.port);
  });
});

describe("deploy/tierd.yaml against the real PostgreSQL and Redis", () => {
  let schema: TestSchema;
  let tierd: Tierd;
  beforeAll(async () => {
    schema = createTestSchema("tierd_deploy");
    // The deployment's own config; only the address is the test's: loopback and port 0.
    tierd = await startTierd({
      configText: TIERD_YAML,
      configSource: "deploy/tierd.yaml",
      env: { ...SECRET_FAKES, TIERD_DATABASE_URL: schema.url, TIERD_REDIS_URL: REDIS_URL },
      host: "127.0.0.1",
      port: 0,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await tierd?.close(500);
    await schema?.drop();
  });

  it("starts, and answers the probes' paths: /healthz live, /readyz ready with the ledger and the counters reachable", async () => {
    expect(tierd.counters?.location).toMatch(/^redis /);
    const healthz = await fetch(`${tierd.url}/healthz`);
    expect(healthz.status).toBe(200);
    const readyz = await fetch(`${tierd.url}/readyz`);
    expect({ status: readyz.status, body: await readyz.json() }).toEqual({ status: 200, body: { status: "ready" } });
  });
});
