export { createCallerGate, type CallerGateOptions } from "./caller-gate.js";
