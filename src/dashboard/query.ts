// The dashboard's filters, from a query string: the window (24h, 7d, 30d, or
// custom since/until), endpoint, caller and bucket width. Preset windows end
// at the next bucket boundary (UTC), so "7d" is seven whole days, today
// included, and a chart of it has seven points. Problems come back as
// values, each naming the parameter.
import { DAY_MS, HOUR_MS } from "../usage/index.js";

export interface DashboardQuery {
  sinceMs: number;
  untilMs: number;
  bucketMs: number;
  /** The preset, or "custom". */
  window: WindowName;
  endpoint?: string;
  callerId?: string;
}

export type WindowName = "24h" | "7d" | "30d" | "custom";
export type QueryResult = { ok: true; query: DashboardQuery } | { ok: false; code: "invalid_argument"; message: string };

const PRESETS: Record<Exclude<WindowName, "custom">, { spanMs: number; bucketMs: number }> = {
  "24h": { spanMs: DAY_MS, bucketMs: HOUR_MS },
  "7d": { spanMs: 7 * DAY_MS, bucketMs: DAY_MS },
  "30d": { spanMs: 30 * DAY_MS, bucketMs: DAY_MS },
};
/** Enough for a year of days or three months of hours; more points than a chart can show. */
const MAX_BUCKETS = 2_200;

export function parseDashboardQuery(params: URLSearchParams, nowMs: number): QueryResult {
  const bad = (message: string): QueryResult => ({ ok: false, code: "invalid_argument", message });
  const window = params.get("window") ?? (params.has("since") ? "custom" : "7d");
  // Requests without an endpoint are a filter of their own (endpoint_none), apart from "all endpoints".
  const endpoint = params.has("endpoint_none") ? "" : nonEmpty(params.get("endpoint"));
  const callerId = nonEmpty(params.get("caller"));
  const filters = { ...(endpoint === undefined ? {} : { endpoint }), ...(callerId === undefined ? {} : { callerId }) };
  const bucketParam = params.get("bucket");
  if (bucketParam !== null && bucketParam !== "hour" && bucketParam !== "day") return bad(`bucket: expected hour or day, got "${bucketParam}"`);
  const chosenBucket = bucketParam === "hour" ? HOUR_MS : bucketParam === "day" ? DAY_MS : undefined;

  if (window === "24h" || window === "7d" || window === "30d") {
    const preset = PRESETS[window];
    const bucketMs = chosenBucket ?? preset.bucketMs;
    const untilMs = Math.ceil((nowMs + 1) / bucketMs) * bucketMs;
    return { ok: true, query: { sinceMs: untilMs - preset.spanMs, untilMs, bucketMs, window, ...filters } };
  }
  if (window !== "custom") return bad(`window: expected 24h, 7d, 30d or custom, got "${window}"`);
  const sinceMs = timeOf(params.get("since"));
  const untilMs = params.get("until") === null ? nowMs : timeOf(params.get("until"));
  if (sinceMs === undefined) return bad("since: expected a date (2026-01-31), a date and time in UTC (2026-01-31T12:00) or epoch milliseconds");
  if (untilMs === undefined) return bad("until: expected a date (2026-01-31), a date and time in UTC (2026-01-31T12:00) or epoch milliseconds");
  if (!(sinceMs < untilMs)) return bad("since must be before until");
  const bucketMs = chosenBucket ?? (untilMs - sinceMs <= 2 * DAY_MS ? HOUR_MS : DAY_MS);
  if ((untilMs - sinceMs) / bucketMs > MAX_BUCKETS) return bad(`the window holds more than ${MAX_BUCKETS} buckets of that width: choose bucket=day or a shorter window`);
  return { ok: true, query: { sinceMs, untilMs, bucketMs, window: "custom", ...filters } };
}

/** Epoch ms of a query value; dates and times without a zone are UTC. */
function timeOf(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) return undefined;
  const ms = Date.parse(/T/.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === "" ? undefined : value;
}
