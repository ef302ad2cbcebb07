# One image for every role (PROCESS_ROLE=api|worker|all). Node 24 is the current LTS; the code
# also runs on Node >= 20.19 for local development.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.scripts.json nest-cli.json ./
COPY src ./src
COPY scripts ./scripts
# The dashboard (web/) is bundled against the generated API types.
COPY web ./web
COPY test/support/api-types.ts ./test/support/api-types.ts
# dist/main.js is the service; dist/tools/scripts/{seed,token,healthcheck}.js run without ts-node;
# dist/web is the dashboard served at /app.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service user.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data/tapes && chown node:node /data/tapes
USER node
EXPOSE 3000 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "dist/tools/scripts/healthcheck.js"]
CMD ["node", "dist/main.js"]
