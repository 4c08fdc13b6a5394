# syntax=docker/dockerfile:1
# wabus: every service and the CLI in one image (docs/deploy.md).
#
#   docker build -t wabus .
#   docker run --rm wabus help                      # the CLI (the default command)
#   docker run --rm -e KAFKA_BROKERS=… wabus ingress  # a service, by its name in the registry (services/<name>)
#   docker run --rm -e KAFKA_BROKERS=… wabus topics apply --file infra/topics.cluster.json
#
# Node 24 runs the TypeScript sources as they are (type stripping: every import names its .ts file): no build step,
# no tsx. Node refuses to strip types under node_modules, so the workspace packages stay where they are
# (packages/*, symlinked by pnpm), installed with production dependencies only.
# test/deploy/image.int.test.ts rebuilds this file's final layout without Docker and runs every service from it.

# Stage 1: pnpm (the version of package.json's packageManager) and the production dependencies.
FROM node:24.21.0-bookworm-slim AS dependencies
ARG PNPM_VERSION=12.4.2
WORKDIR /app
RUN npm install --global --no-audit --no-fund --no-update-notifier pnpm@${PNPM_VERSION}
# The lockfile alone fills pnpm's store, so this layer is rebuilt only when the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY patches ./patches
RUN pnpm fetch --prod
# The sources (.dockerignore keeps out tests, docs, benches, local node_modules), then the install from that store.
COPY . .
RUN pnpm install --prod --frozen-lockfile --offline

# Stage 2: what runs. No pnpm, no npm cache, no dev dependencies; files owned by root, so the app cannot change them.
FROM node:24.21.0-bookworm-slim
LABEL org.opencontainers.image.title="wabus" \
      org.opencontainers.image.description="WhatsApp Business webhooks to a durable, replayable Kafka event stream" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app /app
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
# ingress, message-store, status-tracker, auto-reply, crm-sync, media-store, sender, dispatcher, account-state: the registry's default ports (services/*/package.json).
EXPOSE 8080 8081 8082 8083 8084 8085 8086 8087 8088
# No HEALTHCHECK: each service answers GET /healthz and /readyz on its own port; the orchestrator probes them
# (docker-compose.yml, the Helm chart).
ENTRYPOINT ["node", "packages/cli/src/main.ts"]
CMD ["help"]
