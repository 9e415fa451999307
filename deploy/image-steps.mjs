#!/usr/bin/env node
// Proves the Dockerfile's steps where no image can be built (no Docker
// daemon, no registry): reads the Dockerfile itself, so the two cannot
// drift, replays its stages in a clean temporary folder in order, starts
// the final stage's ENTRYPOINT + CMD, and checks the image's contract:
// dist/ is fresh there by bin/tierd.js's rule (so the compiled build runs,
// not the sources through tsx), GET /healthz answers, the HEALTHCHECK
// command exits 0, a Connect JSON Route is answered (the embedded config's
// demo upstream), and the stop signal ends it with exit 0 within `docker
// stop`'s 10 s. Loopback only,
// bounded in time (--max-seconds, default 180), and it removes its folder
// and every process it started.
//
//   node deploy/image-steps.mjs [--context DIR] [--max-seconds N] [--keep]
//   node deploy/image-steps.mjs --plan       # what would run, as JSON; runs nothing
//
// Steps run as written, except these substitutions, each for a reason:
//   FROM image         a new empty folder per stage; the host's node stands in
//                      for the image's (a warning when the tag's Node major differs).
//   absolute paths     of WORKDIR, COPY and the entry point, under the stage's folder.
//   RUN apt-get ...    skipped: base-image packages. The host's are listed;
//                      python3/make/g++ only compile better-sqlite3 when no
//                      prebuilt binary fits, tini is used below when present.
//   other RUN          /bin/sh -c in the stage's working directory, with the
//                      stage's ENV and ARGs over the host's PATH and HOME (npm's
//                      config and cache), npm_config_prefer_offline=true (CI's own
//                      npm ci just filled the cache). A RUN naming an absolute path
//                      fails: it would touch the host.
//   better-sqlite3     the image build downloads its prebuilt binary from the
//                      project's GitHub releases, which this machine cannot reach;
//                      prebuild-install gets the binary this checkout's npm ci
//                      built (same version, Node ABI and platform) through its
//                      local-prebuilds directory. Without one it compiles (~95 s).
//   COPY --chown, USER one user runs everything here; USER is checked, not switched:
//                      the runtime stage must not run as root.
//   ENTRYPOINT tini    the host's tini at the same path when installed, else dropped
//                      (then node itself gets the stop signal).
//   TIERD_HOST/PORT    127.0.0.1 and a free port: loopback only, and the image's
//                      port may be taken on this machine.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = fileURLToPath(new URL("..", import.meta.url));
/** `docker stop`'s default wait before SIGKILL (and compose's stop_grace_period). */
const STOP_BOUND_MS = 10_000;
const KNOWN = new Set(["FROM", "ARG", "ENV", "WORKDIR", "COPY", "RUN", "USER", "EXPOSE", "HEALTHCHECK", "STOPSIGNAL", "ENTRYPOINT", "CMD", "LABEL"]);

class StepError extends Error {}

// ---- reading the Dockerfile ------------------------------------------------

/** Instructions with their line numbers: continuation lines joined, comments dropped (as Docker does). */
export function parseDockerfile(text) {
  const out = [];
  let buf = "";
  let line = 0;
  text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (buf === "" && trimmed === "")) return;
    if (buf === "") line = i + 1;
    if (/\\\s*$/.test(raw)) {
      buf += raw.replace(/\\\s*$/, "");
      return;
    }
    buf += raw;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(buf.trim());
    out.push({ line, keyword: m[1].toUpperCase(), args: m[2].trim() });
    buf = "";
  });
  for (const ins of out) if (!KNOWN.has(ins.keyword)) throw new StepError(`Dockerfile:${ins.line}: ${ins.keyword} is unknown to deploy/image-steps.mjs: teach it the step, or keep to ${[...KNOWN].join(", ")}`);
  return out;
}

/** Leading --name=value flags, and the rest. */
function flagsOf(args) {
  const flags = {};
  let rest = args;
  for (let m; (m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)); rest = rest.slice(m[0].length)) flags[m[1]] = m[2] ?? "true";
  return { flags, rest };
}

/** Exec form (a JSON array) or shell form (/bin/sh -c). */
function commandOf(args) {
  if (args.startsWith("[")) return JSON.parse(args);
  return ["/bin/sh", "-c", args];
}

/** Whitespace-separated words; double quotes group and are removed. */
function words(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]));
}

function expand(text, vars) {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, dflt, b) => vars[a ?? b] ?? dflt ?? "");
}

// ---- .dockerignore -----------------------------------------------------------

/** Docker's rule: patterns in order, the last one matching a path or one of its parents wins. */
export function ignoreMatcher(text) {
  const patterns = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const exclusion = l.startsWith("!");
      const glob = posix.normalize((exclusion ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, "");
      if (/[[\]\\]/.test(glob)) throw new StepError(`.dockerignore: "${l}": character classes and escapes are not supported here`);
      const re = new RegExp(
        "^" +
          glob
            .split(/(\*\*\/|\*\*|\*|\?)/)
            .map((part) => ({ "**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]" })[part] ?? part.replace(/[.+^${}()|]/g, "\\$&"))
            .join("") +
          "$",
      );
      return { exclusion, glob, re };
    });
  const ignored = (rel) => {
    let excluded = false;
    for (const p of patterns) {
      if (p.exclusion !== excluded) continue;
      const parts = rel.split("/");
      if (parts.some((_, i) => p.re.test(parts.slice(0, i + 1).join("/")))) excluded = !p.exclusion;
    }
    return excluded;
  };
  /** An ignored folder is still walked when an exception may re-include something inside it. */
  const mayReinclude = (dir) => patterns.some((p) => p.exclusion && (p.glob.startsWith(`${dir}/`) || p.glob.startsWith("**")));
  return { ignored, mayReinclude };
}

/** Files (and symlinks) of the build context under `rel`, relative to the context root. */
function contextFiles(context, rel, ignore) {
  const start = join(context, rel);
  if (!existsSync(start)) throw new StepError(`COPY ${rel}: not in the build context`);
  const out = [];
  const walk = (relPath) => {
    const full = join(context, relPath);
    const stat = lstatSync(full);
    const skip = relPath !== "" && ignore.ignored(relPath);
    if (stat.isDirectory()) {
      if (skip && !ignore.mayReinclude(relPath)) return;
      for (const name of readdirSync(full)) walk(relPath === "" ? name : `${relPath}/${name}`);
    } else if (!skip) {
      out.push(relPath);
    }
  };
  walk(rel === "." ? "" : rel);
  if (out.length === 0) throw new StepError(`COPY ${rel}: left out by .dockerignore`);
  return out;
}

// ---- the plan ------------------------------------------------------------------

/** Stages, steps and what each does here; nothing runs. */
export function planOf(dockerfileText) {
  const globalArgs = {};
  const stages = [];
  let stage;
  for (const ins of parseDockerfile(dockerfileText)) {
    const step = { line: ins.line, instruction: `${ins.keyword} ${ins.args}`.replace(/\s+/g, " ").trim(), action: "run" };
    if (ins.keyword === "ARG" && stage === undefined) {
      const [name, value = ""] = ins.args.split(/=(.*)/s);
      globalArgs[name] = value;
      continue;
    }
    if (ins.keyword === "FROM") {
      const [image, as, name] = words(expand(ins.args, globalArgs));
      stage = { name: as?.toUpperCase() === "AS" ? name : String(stages.length), image, vars: {}, env: {}, workdir: "/", user: "root", steps: [], expose: [], entrypoint: [], cmd: [], healthcheck: undefined, stopSignal: "SIGTERM" };
      const major = /^node:(\d+)/.exec(image)?.[1];
      step.action = "substituted";
      step.note = `a new folder; the host's node ${process.versions.node}` + (major !== undefined && major !== process.versions.node.split(".")[0] ? ` (WARNING: the image has Node ${major})` : "");
      stages.push(stage);
      stage.steps.push(step);
      continue;
    }
    if (stage === undefined) throw new StepError(`Dockerfile:${ins.line}: ${ins.keyword} before FROM`);
    const vars = { ...stage.vars, ...stage.env };
    switch (ins.keyword) {
      case "ARG": {
        const [name, value] = ins.args.split(/=(.*)/s);
        stage.vars[name] = value ?? globalArgs[name] ?? "";
        step.action = "recorded";
        break;
      }
      case "ENV": {
        const ws = words(ins.args);
        const pairs = ws[0]?.includes("=") ? ws.map((w) => w.split(/=(.*)/s)) : [[ws[0], ws.slice(1).join(" ")]];
        for (const [k, v] of pairs) stage.env[k] = expand(v ?? "", vars);
        step.action = "recorded";
        break;
      }
      case "WORKDIR":
        stage.workdir = posix.resolve(stage.workdir, expand(ins.args, vars));
        step.workdir = stage.workdir;
        break;
      case "COPY": {
        const { flags, rest } = flagsOf(ins.args);
        if (rest.startsWith("[")) throw new StepError(`Dockerfile:${ins.line}: COPY's JSON form is not supported here`);
        const paths = words(expand(rest, vars));
        step.copy = { from: flags.from, sources: paths.slice(0, -1), dest: paths.at(-1), workdir: stage.workdir };
        if (flags.chown !== undefined) {
          step.action = "substituted";
          step.note = `copied; ownership ${flags.chown} not applied (one user here)`;
        }
        break;
      }
      case "RUN": {
        const command = expand(ins.args, vars);
        if (/\bapt-get\b/.test(command)) {
          const parts = command.split(/&&|;/).map((p) => p.trim());
          const foreign = parts.filter((p) => !/^apt-get\s/.test(p) && !/^rm -rf \/var\/lib\/apt\/lists\/\*$/.test(p));
          if (foreign.length > 0) throw new StepError(`Dockerfile:${ins.line}: a RUN that mixes apt-get with "${foreign[0]}": split it, so the apt-get part can be substituted`);
          const packages = parts.flatMap((p) => (/^apt-get\s.*\binstall\b/.test(p) ? words(p.replace(/^apt-get\s.*?\binstall\b/, "")).filter((w) => !w.startsWith("-")) : []));
          step.action = "substituted";
          step.note = `base-image packages; on this host: ${packages.map((p) => `${p} ${hostHasPackage(p) ? "yes" : "NO"}`).join(", ") || "none asked"}`;
        } else {
          if (/(^|[\s=:'"])\/(?!dev\/null\b)[A-Za-z]/.test(command)) throw new StepError(`Dockerfile:${ins.line}: RUN names an absolute path, which the replay would touch on the host: use paths relative to WORKDIR`);
          step.run = { command, workdir: stage.workdir, env: { ...stage.vars, ...stage.env } };
        }
        break;
      }
      case "USER":
        stage.user = expand(ins.args, vars);
        step.action = "substituted";
        step.note = "checked, not switched: one user runs everything here";
        break;
      case "EXPOSE":
        stage.expose.push(...words(ins.args).map((p) => Number(p.split("/")[0])));
        step.action = "recorded";
        break;
      case "HEALTHCHECK": {
        const { flags, rest } = flagsOf(ins.args);
        if (rest === "NONE") stage.healthcheck = undefined;
        else if (rest.startsWith("CMD")) stage.healthcheck = { command: commandOf(rest.slice(3).trim()), timeoutMs: durationMs(flags.timeout ?? "30s") };
        else throw new StepError(`Dockerfile:${ins.line}: HEALTHCHECK needs CMD or NONE`);
        step.action = "recorded";
        break;
      }
      case "STOPSIGNAL":
        stage.stopSignal = /^\d+$/.test(ins.args) ? Number(ins.args) : ins.args.startsWith("SIG") ? ins.args : `SIG${ins.args}`;
        step.action = "recorded";
        break;
      case "ENTRYPOINT":
        stage.entrypoint = commandOf(ins.args);
        stage.cmd = [];
        step.action = "recorded";
        break;
      case "CMD":
        stage.cmd = commandOf(ins.args);
        step.action = "recorded";
        break;
      case "LABEL":
        step.action = "recorded";
        break;
    }
    stage.steps.push(step);
  }
  const final = stages.at(-1);
  if (final === undefined) throw new StepError("the Dockerfile has no FROM");
  if (final.user === "root" || final.user === "0" || final.user.startsWith("0:") || final.user.startsWith("root:")) throw new StepError("the runtime stage runs as root: add a USER");
  if (final.entrypoint.length + final.cmd.length === 0) throw new StepError("the runtime stage has no ENTRYPOINT or CMD");
  return { stages };
}

function durationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) throw new StepError(`HEALTHCHECK: cannot read the duration "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2]];
}

function hostHasPackage(name) {
  return spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" }).stdout?.includes("install ok installed") ?? false;
}

// ---- running it -------------------------------------------------------------------

const started = new Set();
const tempDirs = new Set();

/** Runs a command in a process group of its own, killed at the deadline. */
function run(command, options, deadline, what) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0], command.slice(1), { ...options, detached: true, stdio: ["ignore", "inherit", "inherit"] });
    started.add(child);
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new StepError(`${what}: over the time bound`));
    }, Math.max(0, deadline - Date.now()));
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new StepError(`${what}: ${err.message}`));
    });
    // The group stays in `started`: whatever the step left running in it goes at clean-up.
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new StepError(`${what}: exit ${code ?? signal}`));
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group has gone.
  }
}

/** better-sqlite3's binary from this checkout, as prebuild-install's local-prebuilds directory; undefined when it does not fit. */
function localPrebuilds(context, dir) {
  const lockedVersion = JSON.parse(readFileSync(join(context, "package-lock.json"), "utf8")).packages?.["node_modules/better-sqlite3"]?.version;
  const built = join(REPO, "node_modules/better-sqlite3");
  const glibc = process.platform === "linux" && process.report?.getReport().header.glibcVersionRuntime !== undefined;
  if (lockedVersion === undefined || !glibc || !existsSync(join(built, "build/Release/better_sqlite3.node"))) return undefined;
  if (JSON.parse(readFileSync(join(built, "package.json"), "utf8")).version !== lockedVersion) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `better-sqlite3-v${lockedVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  const tar = spawnSync("tar", ["-czf", file, "-C", built, "build/Release/better_sqlite3.node"]);
  return tar.status === 0 ? dir : undefined;
}

function copyInto(source, target) {
  mkdirSync(dirname(target), { recursive: true });
  if (lstatSync(source).isSymbolicLink()) {
    rmSync(target, { force: true });
    symlinkSync(readlinkSync(source), target);
    return;
  }
  cpSync(source, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, force: true });
}

function copyStep(copy, stage, stages, context, ignore) {
  const destPath = posix.resolve(copy.workdir, copy.dest);
  const intoDir = copy.dest.endsWith("/") || copy.dest === "." || copy.sources.length > 1;
  const at = (p) => join(stage.root, p);
  for (const src of copy.sources) {
    if (copy.from !== undefined) {
      const from = stages.find((s) => s.name === copy.from);
      if (from === undefined) throw new StepError(`COPY --from=${copy.from}: no such stage`);
      const source = join(from.root, posix.resolve("/", src));
      if (!existsSync(source)) throw new StepError(`COPY --from=${copy.from} ${src}: not found in that stage`);
      const isDir = lstatSync(source).isDirectory();
      copyInto(source, at(isDir || !intoDir ? destPath : posix.join(destPath, posix.basename(src))));
      continue;
    }
    const normalized = posix.normalize(src);
    const files = contextFiles(context, normalized, ignore);
    // A folder's contents go into the destination, not the folder itself (as in Docker).
    const prefix = normalized === "." ? "" : `${normalized}/`;
    for (const file of files) {
      const target = file === normalized ? (intoDir ? posix.join(destPath, posix.basename(file)) : destPath) : posix.join(destPath, file.slice(prefix.length));
      copyInto(join(context, file), at(target));
    }
  }
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

function refusesConnections(port) {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolvePromise(false);
    });
    socket.once("error", () => resolvePromise(true));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Why bin/tierd.js would not run dist/ in this folder, or undefined: its rule
 * is dist/BUILD_STAMP at least as new as every file in src/, gen/ and the
 * two tsconfig files (a running process shows no sign of which it loaded:
 * tsx's transform cache can leave it no esbuild child).
 */
function staleBuild(app) {
  let stamp;
  try {
    stamp = statSync(join(app, "dist/BUILD_STAMP")).mtimeMs;
  } catch {
    return "no dist/BUILD_STAMP";
  }
  const files = ["tsconfig.json", "tsconfig.build.json"].map((f) => join(app, f));
  for (const dir of ["src", "gen"]) {
    for (const entry of readdirSync(join(app, dir), { recursive: true, withFileTypes: true })) if (entry.isFile()) files.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  const newer = files.find((f) => statSync(f).mtimeMs > stamp);
  return newer === undefined ? undefined : `${newer.slice(app.length + 1)} is newer than dist/BUILD_STAMP`;
}

/** The final stage's ENTRYPOINT + CMD, as the host runs it. */
function entryOf(stage) {
  let command = [...stage.entrypoint, ...stage.cmd];
  const notes = [];
  if (posix.basename(command[0]) === "tini") {
    if (existsSync(command[0])) notes.push(`${command[0]}: the host's`);
    else {
      command = command.slice(command[1] === "--" ? 2 : 1);
      notes.push(`${stage.entrypoint[0]} is not installed here: dropped, node gets the stop signal itself`);
    }
  }
  return { command: hostCommand(command, stage), notes };
}

/** `node` is the host's; an absolute path the stage holds is under the stage's folder. */
function hostCommand(command, stage) {
  return command.map((arg) => (arg === "node" ? process.execPath : arg.startsWith("/") && existsSync(join(stage.root, arg)) ? join(stage.root, arg) : arg));
}

async function replay(plan, context, maxSeconds, keep) {
  const deadline = Date.now() + maxSeconds * 1000;
  const tmp = mkdtempSync(join(tmpdir(), "tierd-image-steps-"));
  const ignore = ignoreMatcher(existsSync(join(context, ".dockerignore")) ? readFileSync(join(context, ".dockerignore"), "utf8") : "");
  const prebuilds = localPrebuilds(context, join(tmp, "prebuilds"));
  console.log(`image steps in ${tmp} (context ${context}, at most ${maxSeconds} s)`);
  console.log(`  better-sqlite3: ${prebuilds === undefined ? "no binary of the locked version here: compiled from source" : "this checkout's binary, through prebuild-install's local-prebuilds"}`);
  tempDirs.add(tmp);
  try {
    plan.stages.forEach((stage, i) => (stage.root = join(tmp, `stage-${i}-${stage.name}`)));
    for (const stage of plan.stages) {
      mkdirSync(stage.root, { recursive: true });
      for (const [n, step] of stage.steps.entries()) {
        console.log(`\n-- [${stage.name} ${n + 1}/${stage.steps.length}] ${step.instruction}${step.note ? `\n   ${step.action}: ${step.note}` : ""}`);
        if (step.workdir !== undefined) mkdirSync(join(stage.root, step.workdir), { recursive: true });
        if (step.copy !== undefined) copyStep(step.copy, stage, plan.stages, context, ignore);
        if (step.run !== undefined) {
          const env = {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: process.env.HOME ?? tmp,
            ...step.run.env,
            npm_config_prefer_offline: "true",
            npm_config_update_notifier: "false",
            // npm warns that it does not know this setting; prebuild-install reads it. (Its
            // rc name, prebuild-install_local-prebuilds, is no shell variable name: sh drops it.)
            ...(prebuilds === undefined ? {} : { npm_config_better_sqlite3_local_prebuilds: prebuilds }),
          };
          await run(["/bin/sh", "-c", step.run.command], { cwd: join(stage.root, step.run.workdir), env }, deadline, `Dockerfile:${step.line} RUN`);
        }
      }
    }

    const final = plan.stages.at(-1);
    const stale = staleBuild(join(final.root, final.workdir));
    if (stale !== undefined) throw new StepError(`the image would run the sources through tsx, not dist/: ${stale}`);
    const port = await freePort();
    // A container's environment: the image's ENV (ARGs are build-time only) and what `docker run -e` adds.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...final.env, TIERD_HOST: "127.0.0.1", TIERD_PORT: String(port) };
    const entry = entryOf(final);
    console.log(`\n-- start: ${[...final.entrypoint, ...final.cmd].join(" ")} as ${final.user} (here: TIERD_HOST=127.0.0.1 TIERD_PORT=${port})${entry.notes.map((n) => `\n   ${n}`).join("")}`);
    let output = "";
    const child = spawn(entry.command[0], entry.command.slice(1), { cwd: join(final.root, final.workdir), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    started.add(child);
    const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const base = `http://127.0.0.1:${port}`;
    const fail = (message) => {
      throw new StepError(`${message}\n--- the server's output:\n${output}`);
    };

    // Live: what the HEALTHCHECK and a liveness probe ask.
    const liveBy = Math.min(deadline, Date.now() + 60_000);
    let gone = false;
    void exited.then(() => (gone = true));
    for (;;) {
      if (gone) fail("the server exited before /healthz answered");
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
      if (res?.status === 200) {
        console.log(`   GET /healthz: 200 ${await res.text()}`);
        break;
      }
      if (res !== undefined && res.status !== 503) fail(`GET /healthz: ${res.status} ${await res.text()}`);
      if (Date.now() > liveBy) fail("GET /healthz: no 200 within 60 s");
      await sleep(250);
    }
    if (final.healthcheck !== undefined) {
      await run(hostCommand(final.healthcheck.command, final), { cwd: join(final.root, final.workdir), env }, Math.min(deadline, Date.now() + final.healthcheck.timeoutMs), "HEALTHCHECK");
      console.log("   HEALTHCHECK: exit 0");
    }
    const route = await fetch(`${base}/tierd.v1.RouterService/Route`, {
      method: "POST",
      headers: { "content-type": "application/json", "connect-protocol-version": "1" },
      body: JSON.stringify({ messages: [{ role: "ROLE_USER", content: "Summarise: the meeting moved to 3pm." }] }),
      signal: AbortSignal.timeout(15_000),
    }).catch((err) => fail(`Route: ${err.message}`));
    const answer = await route.json().catch(() => ({}));
    if (route.status !== 200 || typeof answer.content !== "string" || answer.content === "" || !/^TIER_/.test(answer.tier ?? "")) fail(`Route: ${route.status} ${JSON.stringify(answer)}`);
    console.log(`   Route (Connect JSON): 200, ${answer.tier}, ${answer.model}`);

    const stopAt = Date.now();
    process.kill(child.pid, final.stopSignal);
    const stop = await Promise.race([exited, sleep(STOP_BOUND_MS).then(() => undefined)]);
    if (stop === undefined) fail(`${final.stopSignal}: still running after ${STOP_BOUND_MS} ms (docker stop would SIGKILL it)`);
    if (stop.code !== 0) fail(`${final.stopSignal}: exit ${stop.code ?? stop.signal}, expected 0`);
    if (!(await refusesConnections(port))) fail("after the exit, something still listens on the port");
    console.log(`   ${final.stopSignal}: exit 0 after ${Date.now() - stopAt} ms`);
  } finally {
    if (keep) {
      tempDirs.delete(tmp);
      console.log(`kept ${tmp}`);
    }
    cleanUp();
  }
}

/** Every process group started here, and the temporary folder. */
function cleanUp() {
  for (const child of started) killGroup(child);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

async function main() {
  const { values } = parseArgs({
    options: { context: { type: "string", default: REPO }, "max-seconds": { type: "string", default: "180" }, plan: { type: "boolean" }, keep: { type: "boolean" } },
    strict: true,
  });
  const context = resolve(values.context);
  const maxSeconds = Number(values["max-seconds"]);
  if (!(maxSeconds > 0)) throw new StepError(`--max-seconds: expected a positive number, got "${values["max-seconds"]}"`);
  const plan = planOf(readFileSync(join(context, "Dockerfile"), "utf8"));
  if (values.plan) {
    process.stdout.write(JSON.stringify(plan, null, 2) + "\n");
    return;
  }
  const began = Date.now();
  // The bound holds whatever hangs: steps have their own deadlines, this catches the rest.
  setTimeout(() => {
    process.stderr.write(`image steps FAILED: over the ${maxSeconds} s bound\n`);
    cleanUp();
    process.exit(1);
  }, maxSeconds * 1000).unref();
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  await replay(plan, context, maxSeconds, values.keep ?? false);
  console.log(`\nimage steps: every step ran, the server answered /healthz, its HEALTHCHECK and a Route, and stopped with exit 0 (${Math.round((Date.now() - began) / 1000)} s)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`image steps FAILED: ${err instanceof StepError ? err.message : (err?.stack ?? String(err))}\n`);
    process.exit(1);
  });
}
