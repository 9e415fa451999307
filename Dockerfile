# syntax=docker/dockerfile:1
# tierd's container image (docs/deploy.md). Two stages: the build has the
# dev dependencies and compiles dist/; the runtime keeps production
# dependencies only and runs the compiled dist/ as the unprivileged `node`
# user under tini.
#
# deploy/image-steps.mjs reads this file and replays its steps without a
# Docker daemon (CI runs it after npm test), so an instruction it does not
# know fails CI instead of drifting: keep to FROM, ARG, ENV, WORKDIR, COPY,
# RUN, USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT and CMD, with
# RUN steps that touch only the working directory (apt-get aside).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 downloads a prebuilt binary for this Node and platform;
# these compile it from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, in their own layers: a source edit rebuilds from
# `COPY . .` on. --ignore-scripts skips the root's prepare step (the build,
# which needs the sources); `npm rebuild` then runs the dependencies' own
# install scripts (better-sqlite3's binary, esbuild's).
COPY package.json package-lock.json ./
COPY clients/ts/package.json ./clients/ts/
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild
COPY . .
# Build with the dev dependencies, prune after: `npm ci --omit=dev` alone has
# no TypeScript, skips the build, and tierd would run the sources through
# tsx (about 55 MB more memory). .tierd/ is where the default SQLite ledger
# goes; it is made here to be copied, owned by `node`, into the runtime.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && mkdir -p .tierd

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it forwards SIGTERM to tierd (which drains for
# server.shutdown_grace_ms) even before tierd has installed its handlers,
# and reaps any zombie.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# bin/tierd.js runs dist/ only when dist/BUILD_STAMP is at least as new as
# every file in src/, gen/ and the two tsconfig files, so those come along,
# and dist/ last. The code is root's and read-only to the server.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/models ./models
COPY --from=build /app/data/few-shot.jsonl ./data/
COPY --from=build /app/src ./src
COPY --from=build /app/gen ./gen
COPY --from=build /app/tsconfig.json /app/tsconfig.build.json ./
COPY --from=build /app/dist ./dist
COPY --from=build --chown=node:node /app/.tierd ./.tierd
USER node
EXPOSE 50051
# /healthz is live while the process serves (draining included). Without
# TLS on the port; with server.tls, override it (docs/deploy.md).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.TIERD_PORT || 50051) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/tierd.js"]
# The embedded default config: the demo upstream, on the container's own
# loopback (authentication is off, which tierd allows on loopback only).
# To serve others, mount a config with auth.keys: docs/deploy.md.
CMD ["serve"]
