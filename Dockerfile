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
# The api by default; the worker runs the same image with `node dist/apps/worker/src/main.js`.
CMD ["node", "dist/apps/api/src/main.js"]
