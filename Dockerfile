# syntax=docker/dockerfile:1
# Build stage: compile TypeScript and the better-sqlite3 native addon.
FROM node:22-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: only production dependencies and compiled code, as the unprivileged `node` user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    BOARDKEEPER_DB_PATH=/data/boardkeeper.db \
    BOARDKEEPER_CONFIG=/app/boardkeeper.yml
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json boardkeeper.yml ./
COPY --chown=node:node issue-templates ./issue-templates
# `boardkeeper demo` replays the documented webhook bodies kept with the tests.
COPY --chown=node:node test/fixtures/gitlab ./test/fixtures/gitlab
COPY --chown=node:node test/fixtures/github ./test/fixtures/github
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node itself receives SIGTERM from `docker stop`, so shutdown is graceful.
CMD ["node", "dist/cli.js", "serve"]
