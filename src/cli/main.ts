// The `tierd` command. `tierd serve` (the default) runs the service; other
// subcommands are offline tools over the same core code.
import { parseArgs } from "node:util";
import { startTierd } from "../app.js";
import { ConfigError, loadConfig } from "../config/index.js";
import { createLogger } from "../core/log.js";
import { CALIBRATE_USAGE, calibrateCommand } from "./calibrate.js";
import { CLASSIFY_USAGE, classifyCommand } from "./classify.js";
import { EXPORT_USAGE, runExport } from "./export-labels.js";
import { hashKeyCommand } from "./hash-key.js";
import { runLedgerCommand } from "./ledger-access.js";
import { MIGRATE_USAGE, runMigrate } from "./migrate.js";
import { REPORT_USAGE, runReport } from "./report.js";
import cluster from "node:cluster";
import { parseWorkers, superviseWorkers, workersProblem } from "./workers.js";

const USAGE = `usage: tierd [serve] [--config FILE] [--host HOST] [--port PORT] [--workers N|auto]
       tierd report | export-fewshot | export-labels | migrate [--help]
       tierd hash-key [--new]

  serve      run the router (default). Config: --config FILE, else $TIERD_CONFIG,
             else the embedded default (demo upstream unless TIERD_BASE_URL is set).
             --workers N (or $TIERD_WORKERS): N processes share the port; auto: one per core;
             default 1. N > 1 with budgets or rate limits needs counters.store: redis.
  report          the usage report from the ledger
  export-fewshot  misrouted requests as few-shot examples (JSONL)
  export-labels   feedback as training labels (JSONL)
  migrate         create the ledger or bring its schema up to date, then exit
  hash-key        the SHA-256 of an API key (read on stdin) for auth.keys; --new makes a key
`;
const FULL_USAGE = USAGE + "\n" + CLASSIFY_USAGE.replace(/^usage: /, "       ") + "\n" + CALIBRATE_USAGE.replace(/^usage: /, "       ");

export async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...rest] = argv[0]?.startsWith("-") ? ["serve", ...argv] : argv;
  switch (command) {
    case "serve":
      return serve(rest);
    case "classify":
      return classifyCommand(rest);
    case "calibrate":
      return calibrateCommand(rest);
    case "report":
      return runLedgerCommand("report", REPORT_USAGE, () => runReport(rest, process.env));
    case "export-fewshot":
      return runLedgerCommand("export-fewshot", EXPORT_USAGE, () => runExport("fewshot", rest, process.env));
    case "export-labels":
      return runLedgerCommand("export-labels", EXPORT_USAGE, () => runExport("labels", rest, process.env));
    case "migrate":
      return runLedgerCommand("migrate", MIGRATE_USAGE, () => runMigrate(rest, process.env));
    case "hash-key":
      return hashKeyCommand(rest);
    case "help":
    case "--help":
      process.stdout.write(FULL_USAGE);
      return 0;
    default:
      process.stderr.write(`tierd: unknown command "${command}"\n${FULL_USAGE}`);
      return 2;
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, host: { type: "string" }, port: { type: "string" }, workers: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const configPath = values.config ?? process.env.TIERD_CONFIG;
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`tierd: --port must be an integer in 0-65535, got "${values.port}"\n`);
      return 2;
    }
  }
  const workers = parseWorkers(values.workers ?? (process.env.TIERD_WORKERS || undefined));
  if (typeof workers === "string") {
    process.stderr.write(`tierd: ${workers}\n`);
    return 2;
  }
  if (workers > 1 && cluster.isPrimary) {
    // Check what can be checked before forking: a config the workers would
    // refuse (or one whose budgets they would count N times over) stops here.
    if (configPath !== undefined) {
      try {
        const problem = workersProblem(loadConfig({ path: configPath, env: process.env }), workers);
        if (problem !== undefined) {
          process.stderr.write(`tierd: ${problem}\n`);
          return 2;
        }
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`tierd: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    }
    return superviseWorkers({ workers, log: createLogger({ level: "info" }) });
  }
  // Signals are taken from the start: one that arrives while tierd starts
  // (after "tierd listening", before start-up returns) must stop it
  // gracefully, not kill it with the default action. Each signal keeps ONE
  // listener for the life of the process and only the action behind it
  // changes: removing the last listener stops Node's signal watcher, which
  // drops a signal libuv has caught but not yet dispatched (tierd then never
  // stopped) and, until the next listener, leaves the default action (tierd
  // died by SIGTERM).
  const early: NodeJS.Signals[] = [];
  let onSignal = (signal: NodeJS.Signals): void => void early.push(signal);
  const relay = (signal: NodeJS.Signals): void => onSignal(signal);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, relay);
  let app;
  try {
    app = await startTierd({
      ...(configPath === undefined ? {} : { configPath }),
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(port === undefined ? {} : { port }),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tierd: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const started = app;
  return new Promise<number>((resolve) => {
    let stops = 0;
    const stop = (signal: NodeJS.Signals) => {
      stops++;
      if (stops > 1) {
        process.stderr.write(`tierd: second ${signal}, exiting now\n`);
        resolve(1);
        return;
      }
      void started.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    // SIGHUP reloads the configuration file and, with it, the classifier's
    // files (a retrained model, a new few-shot file); a bad file is logged
    // with its fields and the running configuration keeps serving.
    const reload = () => {
      try {
        started.reloadConfig();
      } catch (err) {
        process.stderr.write(`tierd: SIGHUP: configuration not reloaded, the running one keeps serving: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      try {
        started.reloadTls();
      } catch (err) {
        process.stderr.write(`tierd: SIGHUP: TLS certificate not reloaded, the previous one keeps serving: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    };
    onSignal = (signal) => (signal === "SIGHUP" ? reload() : stop(signal));
    // What arrived during start-up, in order.
    for (const signal of early.splice(0)) onSignal(signal);
  });
}
