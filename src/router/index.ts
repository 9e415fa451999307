export { createRouter, newRequestId, type Router, type RouterOptions } from "./router.js";
