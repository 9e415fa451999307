// Preloaded into the benchmark's tierd process (node --import): reports
// event-loop delay and memory over the IPC channel the benchmark forked it
// with, so tierd's own code carries no benchmark hooks. Plain JavaScript:
// tierd runs compiled, without tsx's loader (ProbeReport in processes.ts
// describes the message).
import cluster from "node:cluster";
import { monitorEventLoopDelay } from "node:perf_hooks";

// A `--workers N` tierd's workers inherit this preload, and their IPC channel
// is the cluster's: unreferencing it would let a worker exit mid-start-up.
// Only the process the benchmark forked answers probes.
if (process.send !== undefined && cluster.isPrimary) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on("message", (message) => {
    if (message.type !== "probe") return;
    const memory = process.memoryUsage();
    const report = {
      type: "probe",
      eventLoopP50Ms: delay.percentile(50) / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      eventLoopMaxMs: delay.max / 1e6,
      rssMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
    };
    if (message.reset) delay.reset();
    process.send(report);
  });
  // The channel must not keep tierd alive after its own shutdown.
  process.channel?.unref();
}
