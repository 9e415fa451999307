export { createInputLimits, type InputLimits, type InputLimitsOptions } from "./input-limits.js";
