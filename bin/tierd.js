#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: no build step
// between a checkout and a running service.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
// Let in-flight I/O settle, then make sure nothing keeps the process alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
