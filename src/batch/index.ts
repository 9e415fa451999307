export { parseRecords, type BatchRecord, type ParsedRecord } from "./records.js";
export { classifyBatch, type BatchLine, type BatchSummary, type ClassifyBatchOptions, type TierPrices } from "./classify-batch.js";
