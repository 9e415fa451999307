// AdminService handlers: reports, feedback and label export over the usage
// ledger. Thin like the other adapters; the work lives in src/usage/.
import { durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/tierd/v1/admin_pb.js";
import { invalidArgument, TierdError } from "../core/errors.js";
import { Tier } from "../core/types.js";
import { NAME_OF_TIER } from "../core/tiers.js";
import { buildUsageReport, exportLabels, submitFeedback, type LedgerStore, type UsageLedger } from "../usage/index.js";
import { tierOf, usageReportToProto, VERDICT_OF, verdictToProto } from "./admin-convert.js";

/** What a classifier reload reports (policy/configured-decider.ts's ReloadResult). */
export interface ClassifierReload {
  model: string;
  modelInfo: { trainedAt?: string; remembered?: unknown };
  examples?: string;
  exampleCount?: number;
}

/** What a configuration reload reports (app.ts's ConfigReload). */
export interface ConfigReloadResult {
  source: string;
  restartRequired: string[];
}

export interface AdminServiceDeps {
  /** Reloads the configuration (ReloadConfig); absent: the RPC is FAILED_PRECONDITION. */
  reloadConfig?: () => ConfigReloadResult;
  /** Reloads the classifier's files (ReloadClassifier); absent: the RPC is FAILED_PRECONDITION. */
  reloadClassifier?: () => ClassifierReload;
  /** Undefined when the ledger is off (usage.enabled: false). */
  store: LedgerStore | undefined;
  ledger: UsageLedger | undefined;
  /** The configured default for GetUsageReportRequest.max_frontier_share. */
  maxFrontierShare: number;
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_TOP_ENDPOINTS = 100;
const HOUR_MS = 3_600_000;
const MAX_BUCKETS = 10_000;

export function adminServiceImpl(deps: AdminServiceDeps): ServiceImpl<typeof AdminService> {
  const now = deps.now ?? Date.now;
  const ledgerOf = () => {
    if (deps.store === undefined) throw new TierdError("failed_precondition", "the usage ledger is disabled on this server (usage.enabled: false)");
    return deps.store;
  };

  return {
    async getUsageReport(req) {
      const store = ledgerOf();
      const untilMs = req.endTime === undefined ? now() : timestampMs(req.endTime);
      const lookbackMs = req.lookback === undefined ? 7 * DAY_MS : durationMs(req.lookback);
      if (!(lookbackMs > 0)) throw invalidArgument("lookback", "must be positive");
      const sinceMs = req.startTime === undefined ? untilMs - lookbackMs : timestampMs(req.startTime);
      if (!(sinceMs < untilMs)) throw invalidArgument("start_time", "must be before end_time");
      if (req.topEndpoints > MAX_TOP_ENDPOINTS) throw invalidArgument("top_endpoints", `must be at most ${MAX_TOP_ENDPOINTS}`);
      let bucketMs: number | undefined;
      if (req.bucketWidth !== undefined) {
        bucketMs = durationMs(req.bucketWidth);
        if (!(bucketMs > 0 && bucketMs % HOUR_MS === 0 && bucketMs <= 7 * DAY_MS)) throw invalidArgument("bucket_width", "must be a whole number of hours, at most 7 days");
        if ((untilMs - sinceMs) / bucketMs > MAX_BUCKETS) throw invalidArgument("bucket_width", `the window would hold more than ${MAX_BUCKETS} buckets`);
      }
      const maxFrontierShare = req.maxFrontierShare ?? deps.maxFrontierShare;
      if (!(maxFrontierShare >= 0 && maxFrontierShare <= 1)) throw invalidArgument("max_frontier_share", "must be in [0, 1]");
      // Include what this replica just served; a slow database only makes the report a little older.
      await deps.ledger?.flush(2_000).catch(() => undefined);
      const filter = { sinceMs, untilMs, ...(req.endpoint === "" ? {} : { endpoint: req.endpoint }) };
      const report = await buildUsageReport(store, {
        ...filter,
        topEndpoints: req.topEndpoints === 0 ? 10 : req.topEndpoints,
        maxFrontierShare,
        ...(bucketMs === undefined ? {} : { bucketMs }),
      });
      return { report: usageReportToProto(report, deps.ledger?.stats().dropped ?? 0) };
    },

    async submitFeedback(req) {
      const store = ledgerOf();
      const verdict = VERDICT_OF[req.verdict];
      if (verdict === undefined) {
        throw invalidArgument("verdict", "must be FEEDBACK_VERDICT_MISROUTED, FEEDBACK_VERDICT_BAD_ANSWER or FEEDBACK_VERDICT_GOOD");
      }
      if (req.expectedTier !== Tier.UNSPECIFIED && req.expectedTier !== Tier.NANO && req.expectedTier !== Tier.MID && req.expectedTier !== Tier.FRONTIER) {
        throw invalidArgument("expected_tier", `unknown tier ${req.expectedTier}`);
      }
      const { feedback, record } = await submitFeedback(
        { store, ...(deps.ledger === undefined ? {} : { ledger: deps.ledger }), now },
        {
          requestId: req.requestId,
          verdict,
          ...(req.expectedTier === Tier.UNSPECIFIED ? {} : { expectedTier: NAME_OF_TIER[req.expectedTier] }),
          comment: req.comment,
        },
      );
      return {
        feedbackId: feedback.id,
        decidedTier: tierOf(record.tier),
        servedTier: tierOf(record.servedTier),
        promptStored: record.promptText !== null,
      };
    },

    reloadClassifier() {
      if (deps.reloadClassifier === undefined) throw new TierdError("failed_precondition", "this server cannot reload its classifier");
      let result: ClassifierReload;
      try {
        result = deps.reloadClassifier();
      } catch (err) {
        // A bad file is the operator's to fix; the old model keeps serving.
        throw new TierdError("failed_precondition", `classifier not reloaded, the previous model keeps serving: ${err instanceof Error ? err.message : String(err)}`);
      }
      return {
        model: result.model,
        modelTrainedAt: typeof result.modelInfo.trainedAt === "string" ? result.modelInfo.trainedAt : "",
        rememberedPrompts: typeof result.modelInfo.remembered === "number" ? result.modelInfo.remembered : 0,
        examples: result.examples ?? "",
        exampleCount: result.exampleCount ?? 0,
      };
    },

    reloadConfig() {
      if (deps.reloadConfig === undefined) throw new TierdError("failed_precondition", "this server cannot reload its configuration");
      try {
        return deps.reloadConfig();
      } catch (err) {
        // A bad file is the operator's to fix; the running configuration keeps serving.
        throw new TierdError("failed_precondition", `configuration not reloaded, the running one keeps serving: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    async *exportLabels(req) {
      const store = ledgerOf();
      const result = await exportLabels(store, {
        sinceMs: req.startTime === undefined ? 0 : timestampMs(req.startTime),
        verdicts: req.misroutedOnly ? ["misrouted"] : ["misrouted", "bad_answer", "good"],
        ...(req.limit === 0 ? {} : { limit: req.limit }),
      });
      for (const e of result.examples) {
        yield { prompt: e.prompt, tier: tierOf(e.tier), requestId: e.requestId, verdict: verdictToProto(e.verdict) };
      }
    },
  };
}
