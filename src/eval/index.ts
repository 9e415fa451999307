export { twoModelMetrics, trapezoid, costToReach, quantile, type TwoModelMetrics, type TwoModelRow, type CurvePoint } from "./routing-metrics.js";
export { threeTierMetrics, type ThreeTierMetrics, type ThreeTierRow, type Operating } from "./three-tier.js";
export { labelMetrics, type LabelMetrics } from "./label-metrics.js";
