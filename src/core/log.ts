// A small structured logger: one line per entry on stderr, as a JSON object
// (the default: what log shippers parse without configuration) or as logfmt
// (`key=value` pairs, easier on the eye in a terminal and still greppable).
// Callers pass facts, never secrets or prompt text; the logger does not
// inspect values.

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "json" | "logfmt";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Line format; json by default. */
  format?: LogFormat;
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const min = ORDER[options.level];
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const format = options.format === "logfmt" ? logfmtLine : jsonLine;
  const emit = (level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(format({ time: new Date().toISOString(), level, msg, ...fields }));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}

export const silentLogger: Logger = createLogger({ level: "silent" });

function jsonLine(entry: Record<string, unknown>): string {
  return JSON.stringify(entry, bigintSafe);
}

/**
 * logfmt as Heroku and Go's logfmt packages read it: bare values when they
 * hold no space, quote, `=` or control character, else a JSON string (its
 * escapes are the ones logfmt parsers undo). Objects and arrays are written
 * as their JSON, quoted; undefined fields are left out, as JSON.stringify does.
 */
function logfmtLine(entry: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    parts.push(`${logfmtKey(key)}=${logfmtValue(value)}`);
  }
  return parts.join(" ");
}

function logfmtKey(key: string): string {
  // Keys are the code's own names; anything outside logfmt's key characters is replaced, never quoted.
  return key.replace(/[^A-Za-z0-9_.\-/]/g, "_") || "_";
}

function logfmtValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null) return "null";
  const text = typeof value === "string" ? value : (JSON.stringify(value, bigintSafe) ?? String(value));
  return text === "" || /[\s"=\\\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
