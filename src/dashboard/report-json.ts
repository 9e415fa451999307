// The report as JSON for the dashboard's page: the UsageReport itself, with
// money (bigint pico-USD) as decimal strings, which JSON numbers could not
// hold exactly past 2^53. The page formats dollars from those strings.
import type { UsageReport } from "../usage/index.js";

export type Jsonable = string | number | boolean | null | Jsonable[] | { [key: string]: Jsonable };

/** A value with every bigint as its decimal string and undefined fields left out. */
export function jsonable(value: unknown): Jsonable {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(jsonable);
  if (typeof value === "object") {
    const out: Record<string, Jsonable> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonable(v);
    return out;
  }
  return null;
}

export function reportJson(report: UsageReport, droppedRecords: number): Jsonable {
  return jsonable({ ...report, droppedRecords });
}
