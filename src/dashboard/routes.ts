// GET /dashboard and its API on tierd's port, as plain HTTP routes beside
// the RPCs. The page is static; its figures come from /dashboard/api/report,
// which is buildUsageReport, the code behind GetUsageReport and `tierd
// report`, with the page's filters. See docs/dashboard.md.
import type { Authenticator } from "../callers/index.js";
import type { Logger } from "../core/log.js";
import { sendJson, type PlainRequest, type PlainResponse, type PlainRoute } from "../server/plain-http.js";
import { buildUsageReport, type LedgerStore, type UsageLedger } from "../usage/index.js";
import { createDashboardAccess, DASHBOARD_PATH, type Denial } from "./access.js";
import { assetOf, type AssetName } from "./assets.js";
import { isCsvTable, reportCsv, CSV_TABLES } from "./csv.js";
import { parseDashboardQuery } from "./query.js";
import { reportJson } from "./report-json.js";
import { createSessions, type Sessions } from "./session.js";

export interface DashboardOptions {
  /** Undefined when the ledger is off: the API answers 503. */
  store: LedgerStore | undefined;
  /** This replica's ledger, flushed before a report so it includes what was just served. */
  ledger: UsageLedger | undefined;
  /** Undefined when authentication is off (loopback only): no key needed. */
  authenticator: Authenticator | undefined;
  /** usage.max_frontier_share: the bound the frontier share is drawn against. */
  maxFrontierShare: number;
  log: Logger;
  sessions?: Sessions;
  now?: () => number;
}

/** Endpoints the cost audit table lists. */
const TOP_ENDPOINTS = 20;
/** A login form's body: a key and its field name, nothing more. */
const MAX_LOGIN_BYTES = 4_096;

const NO_STORE = { "cache-control": "no-store" };
/** The page loads only its own files: no inline script, no other origin, no framing. */
const PAGE_HEADERS = {
  ...NO_STORE,
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export function dashboardRoutes(options: DashboardOptions): PlainRoute[] {
  const now = options.now ?? Date.now;
  const access = createDashboardAccess(options.authenticator, options.sessions ?? createSessions({ now }));

  const page = (res: PlainResponse, name: AssetName, status = 200, message = "") => {
    const asset = assetOf(name);
    const body = message === "" ? asset.body : Buffer.from(asset.body.toString("utf8").replace("<!--message-->", `<p class="error" role="alert">${escapeHtml(message)}</p>`));
    res.writeHead(status, { "content-type": asset.contentType, "content-length": String(body.length), ...PAGE_HEADERS });
    res.end(body);
  };
  const staticAsset = (name: AssetName): PlainRoute => ({
    path: `${DASHBOARD_PATH}/${name}`,
    methods: ["GET"],
    handle(_req, res) {
      const asset = assetOf(name);
      // Public code, the same for everyone: no key needed, cached for an hour.
      res.writeHead(200, { "content-type": asset.contentType, "content-length": String(asset.body.length), "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" });
      res.end(asset.body);
    },
  });
  const refused = (res: PlainResponse, denial: Denial) =>
    sendJson(res, denial.status, { error: { message: denial.message, code: denial.code } }, { ...NO_STORE, ...(denial.status === 401 ? { "www-authenticate": 'Bearer realm="tierd"' } : {}) });

  /** The request's report, or the answer already sent. */
  const reportFor = async (req: PlainRequest, res: PlainResponse) => {
    const denial = access.deny(req);
    if (denial !== undefined) return void refused(res, denial);
    if (options.store === undefined) return void sendJson(res, 503, { error: { message: "the usage ledger is disabled on this server (usage.enabled: false)", code: "failed_precondition" } }, NO_STORE);
    const parsed = parseDashboardQuery(paramsOf(req), now());
    if (!parsed.ok) return void sendJson(res, 400, { error: { message: parsed.message, code: parsed.code } }, NO_STORE);
    const q = parsed.query;
    // Include what this replica just served; a slow database only makes the report a little older.
    await options.ledger?.flush(2_000).catch(() => undefined);
    const report = await buildUsageReport(options.store, { ...q, topEndpoints: TOP_ENDPOINTS, maxFrontierShare: options.maxFrontierShare });
    return { report, query: q };
  };

  return [
    {
      path: DASHBOARD_PATH,
      methods: ["GET"],
      handle(req, res) {
        const denial = access.deny(req);
        if (denial === undefined) return page(res, "dashboard.html");
        // A key sent in a header that was refused gets the reason; a browser without a session gets the form.
        page(res, "login.html", denial.status, req.headers.authorization === undefined ? "" : denial.message);
      },
    },
    {
      path: `${DASHBOARD_PATH}/login`,
      methods: ["POST"],
      async handle(req, res) {
        const body = await readBody(req, MAX_LOGIN_BYTES);
        if (body === undefined) return page(res, "login.html", 413, "the form was too large");
        const result = access.login(new URLSearchParams(body).get("key") ?? "");
        if ("status" in result) {
          options.log.warn("dashboard login refused", { reason: result.code });
          return page(res, "login.html", result.status, result.message);
        }
        res.writeHead(303, { location: DASHBOARD_PATH, ...NO_STORE, ...(access.required ? { "set-cookie": access.cookie(req, result.token) } : {}) });
        res.end();
      },
    },
    {
      path: `${DASHBOARD_PATH}/logout`,
      methods: ["POST"],
      handle(req, res) {
        res.writeHead(303, { location: DASHBOARD_PATH, ...NO_STORE, "set-cookie": access.cookie(req, "") });
        res.end();
      },
    },
    staticAsset("app.js"),
    staticAsset("app.css"),
    staticAsset("chart.umd.min.js"),
    {
      path: `${DASHBOARD_PATH}/api/report`,
      methods: ["GET"],
      async handle(req, res) {
        const found = await reportFor(req, res);
        if (found === undefined) return;
        sendJson(res, 200, { window: found.query.window, report: reportJson(found.report, options.ledger?.stats().dropped ?? 0), authRequired: access.required }, NO_STORE);
      },
    },
    {
      path: `${DASHBOARD_PATH}/api/filters`,
      methods: ["GET"],
      async handle(req, res) {
        const denial = access.deny(req);
        if (denial !== undefined) return refused(res, denial);
        if (options.store === undefined) return sendJson(res, 200, { endpoints: [], callers: [] }, NO_STORE);
        const parsed = parseDashboardQuery(paramsOf(req), now());
        if (!parsed.ok) return sendJson(res, 400, { error: { message: parsed.message, code: parsed.code } }, NO_STORE);
        sendJson(res, 200, await options.store.filterValues(parsed.query), NO_STORE);
      },
    },
    {
      path: `${DASHBOARD_PATH}/api/csv`,
      methods: ["GET"],
      async handle(req, res) {
        const table = paramsOf(req).get("table") ?? "";
        if (!isCsvTable(table)) return sendJson(res, 400, { error: { message: `table: expected one of ${CSV_TABLES.join(", ")}`, code: "invalid_argument" } }, NO_STORE);
        const found = await reportFor(req, res);
        if (found === undefined) return;
        const text = reportCsv(found.report, table);
        const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        res.writeHead(200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="tierd-${table}-${day(found.query.sinceMs)}-${day(found.query.untilMs - 1)}.csv"`,
          "content-length": String(Buffer.byteLength(text)),
          ...NO_STORE,
        });
        res.end(text);
      },
    },
  ];
}

function paramsOf(req: PlainRequest): URLSearchParams {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}

/** The body as text, or undefined past `limit` bytes (the rest is not read). */
async function readBody(req: PlainRequest, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
