# syntax=docker/dockerfile:1
# Epic Shelter images, one build, three targets (docker-compose.yml picks them):
#   worker             runs migrations (holds the connection secrets); metrics :9464, health :8081
#   api                the HTTP API and dashboard on :3000; metrics :9465
#   hydrolix-emulator  the local Hydrolix stand-in of the demo profile (a test tool: all dependencies)
# The worker and API images carry production dependencies only, run as the unprivileged `node`
# user, and cannot change their own code (owned by root).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- build: every dependency, compiled dist/, the dashboard, the workflow bundle ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# dist/ (esbuild) and dashboard/dist (vite); then the workflows bundled once, so a starting worker
# skips webpack (WORKER_WORKFLOW_BUNDLE).
RUN npm run build \
 && node dist/worker/bundle-workflows.js dist/workflow-bundle.js \
 && mkdir -p dashboard/dist

# ---- the demo's Hydrolix emulator: a test tool, run from the build stage's sources ----
FROM build AS hydrolix-emulator
ENV HYDROLIX_EMULATOR_HOST=0.0.0.0 \
    HYDROLIX_EMULATOR_PORT=8088
EXPOSE 8088
USER node
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 CMD ["node", "deploy/healthcheck.mjs", "tcp", "8088"]
CMD ["node", "--import", "tsx", "deploy/hydrolix-emulator.ts"]

# ---- what the worker and the API share ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/dashboard/dist ./dashboard/dist
COPY package.json ./
COPY deploy/healthcheck.mjs deploy/demo-migration.mjs ./deploy/
USER node

FROM runtime AS worker
# MALLOC_ARENA_MAX and the V8 flags: a worker's peak memory stays well under 256 MiB (README, Performance).
ENV WORKER_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    WORKER_HTTP_HOST=0.0.0.0 \
    WORKER_METRICS_PORT=9464 \
    WORKER_HEALTH_PORT=8081 \
    MALLOC_ARENA_MAX=2
EXPOSE 9464 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.mjs", "worker"]
# SIGTERM: the worker stops polling (health turns 503), gives running chunks WORKER_SHUTDOWN_GRACE,
# and the rest resume elsewhere from their last heartbeat.
STOPSIGNAL SIGTERM
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "--heap-growing-percent=50", "dist/worker/main.js"]

# The last stage is the default target (`docker build .`): the API.
FROM runtime AS api
# Inside a container the API listens on every interface; it refuses to start without API_TOKENS
# unless API_ALLOW_UNAUTHENTICATED=true says something in front of it authenticates.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    API_METRICS_PORT=9465
EXPOSE 3000 9465
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["node", "deploy/healthcheck.mjs", "api"]
CMD ["node", "dist/api/main.js"]
