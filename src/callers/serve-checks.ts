// Whether a server may start with this auth section on this address:
// authentication is on unless switched off explicitly, a server with
// authentication on needs at least one key (or nobody could call it), and
// off is allowed on loopback only, where only processes on this machine can
// reach the port.
import type { AuthConfig, ConfigProblem } from "../config/index.js";

export function authProblemsAt(auth: Pick<AuthConfig, "enabled" | "keys">, host: string): ConfigProblem[] {
  if (auth.enabled && auth.keys.length === 0) {
    return [
      {
        path: "auth.keys",
        message:
          "authentication is on (auth.enabled defaults to true) but no key is configured, so every call would be refused: add keys (tierd hash-key --new makes one) or set auth.enabled: false on a loopback address",
      },
    ];
  }
  if (!auth.enabled && !isLoopbackHost(host)) {
    return [
      {
        path: "auth.enabled",
        message: `authentication is off but tierd would listen on ${host}, beyond this machine: configure auth.keys, or listen on a loopback address (127.0.0.1, ::1)`,
      },
    ];
  }
  return [];
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
