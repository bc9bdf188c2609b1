# syntax=docker/dockerfile:1
# Kith production image. Build: docker build -t kith .   Run: see docs/deploying.md.
#
# Kith runs its TypeScript through tsx and compiles its stylesheet with sass, so both are
# runtime dependencies: `npm ci --omit=dev` is the whole install, with no separate compile step.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: production dependencies and the fingerprinted assets -----------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
# NODE_ENV is left unset here on purpose: every kith command reads the configuration first,
# and production refuses to start without KITH_SECRET, which has no place in an image.
RUN node bin/kith.js build-assets

# ---- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
WORKDIR /app

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    KITH_DATA_DIR=/data

# Application files belong to root and are read-only to the app; only /data is writable.
# The assets are built above from these same sources, so the start-up check finds them current
# and never needs to write public/build.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/public/build ./public/build
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY demo-data ./demo-data
COPY src ./src

# `kith` on the PATH for one-off commands (docker compose exec kith kith migrate), and the
# data directory for the embedded database, owned by the unprivileged `node` user (uid 1000).
RUN ln -s /app/bin/kith.js /usr/local/bin/kith \
    && mkdir -p /data \
    && chown node:node /data

USER node
VOLUME ["/data"]
EXPOSE 3000

# Liveness only: /healthz answers while the process is serving. /readyz checks the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form, so SIGTERM reaches Node and Kith shuts down gracefully (within 10 s).
CMD ["node", "bin/kith.js", "serve"]
