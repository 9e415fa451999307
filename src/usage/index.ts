export { createUsageLedger, type UsageLedger, type UsageLedgerOptions, type LedgerStats } from "./ledger.js";
export { createUsageRecorder, counterfactualModels, type UsageRecorderOptions } from "./recorder.js";
export { usageRecordOf, promptOf, type UsageRecord, type AttemptRecord, type RecordContext, type RecordStatus } from "./record.js";
export {
  createLedgerStore,
  type LedgerStore,
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
  createUsageReportBuilder,
  percentile,
  type UsageReport,
  type UsageReportOptions,
  type TierFigures,
  type EndpointFigures,
  type SavingsFigures,
  type BreakEvenFigures,
  type ShadowFigures,
  type ReportWarning,
  type TierShare,
} from "./report.js";
export { submitFeedback, MAX_COMMENT_CHARS, type FeedbackInput, type FeedbackDeps } from "./feedback.js";
export { exportLabels, toJsonl, type LabeledExample, type LabelExport, type LabelExportOptions } from "./labels.js";
export type { SqlDriver } from "./sql-driver.js";
export { startUsageLedger, type RunningLedger, type StartUsageLedgerOptions } from "./start.js";
