export { createUsageLedger, type UsageLedger, type UsageLedgerOptions, type LedgerStats } from "./ledger.js";
export { createUsageRecorder, counterfactualModels, type UsageRecorderOptions } from "./recorder.js";
export { usageRecordOf, promptOf, type UsageRecord, type AttemptRecord, type RecordContext, type RecordStatus } from "./record.js";
export {
  createLedgerStore,
  type LedgerStore,
  type CallerSpend,
  type RecordFilter,
  type ReportRow,
  type FeedbackRecord,
  type FeedbackVerdict,
  type FeedbackWithRecord,
} from "./store.js";
export { openLedgerStore, driverFor, type OpenLedgerStoreOptions } from "./open-store.js";
export { MIGRATIONS, type Migration } from "./migrations.js";
export {
  buildUsageReport,
  usageReportOf,
  percentile,
  type UsageReport,
  type UsageReportOptions,
  type ReportSource,
  type TierFigures,
  type DeploymentFigures,
  type EndpointFigures,
  type SavingsFigures,
  type ShadowFigures,
  type MisrouteFigures,
  type ReportWarning,
  type TierShare,
} from "./report.js";
export { breakEvenOf, isDecided, MIN_BREAK_EVEN_SAMPLES, type BreakEvenFigures, type BreakEvenVerdict, type DecidedBreakEven } from "./break-even.js";
export { bucketMsFor, HOUR_MS, DAY_MS, type ReportBucket, type TierBucket } from "./report-series.js";
export { ORDER_STATISTICS_SAMPLES, type ReportQuery, type ReportAggregates, type ReportCell, type OrderStatistics, type MisrouteReport } from "./report-queries.js";
export { submitFeedback, MAX_COMMENT_CHARS, type FeedbackInput, type FeedbackDeps } from "./feedback.js";
export { exportLabels, toJsonl, type LabeledExample, type LabelExport, type LabelExportOptions } from "./labels.js";
export type { SqlDriver } from "./sql-driver.js";
export { startUsageLedger, type RunningLedger, type StartUsageLedgerOptions } from "./start.js";
