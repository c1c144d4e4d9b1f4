# syntax=docker/dockerfile:1
# keyway's production image: `node dist/server/main.js` as PID 1 (it handles SIGTERM itself:
# drains, finishes in-flight requests and mail, exits 0), production dependencies only, non-root.
ARG NODE_IMAGE=node:22-bookworm-slim

# Every dependency (TypeScript among them), to compile the server and CLI into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY examples/web/package.json examples/web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY db db
COPY server server
RUN npm run build

# Production dependencies only, from the same lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY examples/web/package.json examples/web/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
# Only used without DATABASE_URL (embedded PGlite); the service runs as the image's `node` user.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=64", "dist/server/main.js"]
