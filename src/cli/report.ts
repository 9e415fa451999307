// `tierd report`: the usage report from the ledger, as a table or as the
// same JSON GetUsageReport returns.
import { parseArgs } from "node:util";
import { create, toJsonString } from "@bufbuild/protobuf";
import { UsageReportSchema } from "../../gen/tierd/v1/admin_pb.js";
import { usageReportToProto } from "../server/admin-convert.js";
import { buildUsageReport } from "../usage/index.js";
import { formatReportTable } from "./format-report.js";
import { LEDGER_ARG_OPTIONS, openLedger, parsePositiveInt, parseTime, UsageError } from "./ledger-access.js";

export const REPORT_USAGE = `usage: tierd report [--since 7d] [--until TIME] [--endpoint X] [--format table|json]
                    [--top N] [--max-frontier-share F] [--config FILE | --database-url URL]

  --since / --until  a duration before now (30m, 12h, 7d, 2w) or a date (2026-01-31); default: the last 7 days
  --endpoint         only this endpoint
  --format           table (default) or json (the GetUsageReport JSON)
  --top              endpoints in the cost audit (default 10)
`;

export async function runReport(args: string[], env: NodeJS.ProcessEnv, now = Date.now()): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...LEDGER_ARG_OPTIONS,
      since: { type: "string", default: "7d" },
      until: { type: "string" },
      endpoint: { type: "string" },
      format: { type: "string", default: "table" },
      top: { type: "string" },
      "max-frontier-share": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(REPORT_USAGE);
    return 0;
  }
  if (values.format !== "table" && values.format !== "json") throw new UsageError(`--format: expected table or json, got "${values.format}"`);
  const sinceMs = parseTime(values.since, now, "--since");
  const untilMs = values.until === undefined ? now : parseTime(values.until, now, "--until");
  if (!(sinceMs < untilMs)) throw new UsageError("--since must be before --until");
  const topEndpoints = values.top === undefined ? 10 : parsePositiveInt(values.top, "--top");
  let maxShare: number | undefined;
  if (values["max-frontier-share"] !== undefined) {
    maxShare = Number(values["max-frontier-share"]);
    if (!(maxShare >= 0 && maxShare <= 1)) throw new UsageError(`--max-frontier-share: expected a number in [0, 1], got "${values["max-frontier-share"]}"`);
  }

  const { store, maxFrontierShare } = await openLedger(values, env);
  try {
    const filter = { sinceMs, untilMs, ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }) };
    const report = await buildUsageReport(store, { ...filter, topEndpoints, maxFrontierShare: maxShare ?? maxFrontierShare });
    process.stdout.write(
      values.format === "json"
        ? toJsonString(UsageReportSchema, create(UsageReportSchema, usageReportToProto(report, 0)), { prettySpaces: 2, alwaysEmitImplicit: true }) + "\n"
        : formatReportTable(report),
    );
  } finally {
    await store.close();
  }
  return 0;
}
