// Preloaded into the Portkey gateway (node --import): its start script calls
// listen(port) with no host, which binds every interface. This binds
// 127.0.0.1 instead, and prints {"url": ...} once listening so the benchmark
// learns the port (it starts the gateway with --port=0).
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && (args[1] === undefined || typeof args[1] === "function")) {
    args.splice(1, args[1] === undefined ? 1 : 0, "127.0.0.1");
    this.once("listening", () => {
      const { port } = this.address();
      process.stdout.write(`\n${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
    });
  }
  return listen.apply(this, args);
};
