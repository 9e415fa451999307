// The savings dashboard: GET /dashboard and its JSON and CSV API, served on
// tierd's own port from the usage report (see docs/dashboard.md).
export { dashboardRoutes, type DashboardOptions } from "./routes.js";
export { createSessions, type Sessions, type SessionsOptions } from "./session.js";
export { parseDashboardQuery, type DashboardQuery, type WindowName } from "./query.js";
export { reportCsv, CSV_TABLES, type CsvTable } from "./csv.js";
