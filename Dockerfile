# syntax=docker/dockerfile:1
# Chat server image: deps -> build -> prod-deps -> slim runtime (dist + production node_modules only).
# Checked without a Docker engine by scripts/check-dockerfile.sh (it runs these stages' commands).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: every dependency. better-sqlite3 takes its prebuilt binary when the build can reach it,
# else compiles from source with python3/make/g++ against the image's own Node headers.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# node-gyp builds against the image's own Node headers (no header download).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: compile the Nest monorepo app to dist/
FROM deps AS build
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# --- prod-deps: drop dev dependencies, keeping the compiled native addons
FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund

# --- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 DATA_DIR=/app/data
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data /app/attachments && chown node:node /app/data /app/attachments
USER node
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# Migrations run at startup (TypeORM migrationsRun); SIGTERM drains and exits 0 within SHUTDOWN_TIMEOUT_MS.
CMD ["node", "dist/apps/chat-server/src/main.js"]
