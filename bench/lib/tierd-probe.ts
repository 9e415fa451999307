// Preloaded into the benchmark's tierd process (node --import): reports
// event-loop delay and memory over the IPC channel the benchmark forked it
// with, so tierd's own code carries no benchmark hooks.
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface ProbeReport {
  type: "probe";
  /** Event-loop delay percentiles since the last reset, in ms (10 ms sampling resolution). */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssMb: number;
  heapUsedMb: number;
}

if (process.send !== undefined) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on("message", (message: { type?: string; reset?: boolean }) => {
    if (message.type !== "probe") return;
    const memory = process.memoryUsage();
    const report: ProbeReport = {
      type: "probe",
      eventLoopP50Ms: delay.percentile(50) / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      eventLoopMaxMs: delay.max / 1e6,
      rssMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
    };
    if (message.reset) delay.reset();
    process.send!(report);
  });
  // The channel must not keep tierd alive after its own shutdown.
  process.channel?.unref();
}
