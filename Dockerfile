# Shiming: one image for both processes (api and worker), chosen by the command.
# Node.js 20, 20.19 or later (package.json's engines); the image's PostgreSQL is
# always a server (DATABASE_URL): the embedded one is a development dependency.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm run build:web && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Where documents are kept (a volume in docker-compose.yml), writable by the app.
RUN mkdir -p /app/var/documents && chown -R node:node /app/var
USER node
EXPOSE 3000
# Prometheus's /metrics, and the worker's probes: for the monitoring network only, not
# to be published (METRICS_PORT; 0 turns the listener off).
EXPOSE 9464
# Readiness of either process with Node.js alone: the worker answers on the internal
# port; the api has no probe there (404) and answers on its public port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
  CMD ["node", "-e", "const probe = (port) => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0); probe(process.env.METRICS_PORT || 9464).then((s) => (s === 200 || s === 503 ? s : probe(process.env.PORT || 3000))).then((s) => process.exit(s === 200 ? 0 : 1))"]
# The api by default; the worker runs the same image with `node dist/apps/worker/src/main.js`.
CMD ["node", "dist/apps/api/src/main.js"]
