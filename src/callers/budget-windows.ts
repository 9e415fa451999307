// Budget windows: UTC days and UTC calendar months. A spend belongs to the
// window in which its reservation was made, so one request never straddles
// two windows.

export type WindowKind = "day" | "month";

export interface BudgetWindow {
  kind: WindowKind;
  /** "2026-05-01" for a day, "2026-05" for a month. */
  id: string;
  /** When the window began (epoch ms). */
  startsAtMs: number;
  /** When the window ends and its budget is whole again (epoch ms). */
  endsAtMs: number;
}

export function windowOf(kind: WindowKind, nowMs: number): BudgetWindow {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const mm = String(m + 1).padStart(2, "0");
  if (kind === "month") return { kind, id: `${y}-${mm}`, startsAtMs: Date.UTC(y, m, 1), endsAtMs: Date.UTC(y, m + 1, 1) };
  const day = d.getUTCDate();
  return { kind, id: `${y}-${mm}-${String(day).padStart(2, "0")}`, startsAtMs: Date.UTC(y, m, day), endsAtMs: Date.UTC(y, m, day + 1) };
}
