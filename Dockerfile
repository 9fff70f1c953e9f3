# jenkins-mcp as a container: the HTTP transport for a team (docs/operations.md, "Kubernetes").
# Build: docker build -t jenkins-mcp .   Run with a read-only root filesystem as a non-root user;
# deploy/k8s/ has the manifests. The image runs what the tests run: node dist/cli.js.

# Build stage: the development packages, esbuild, and dist/ (which bundles every runtime package).
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs

# Runtime stage: Node, dist/ and package.json (read for the version), nothing else; no npm install.
FROM node:20-alpine
ENV NODE_ENV=production \
    MCP_TRANSPORT=http \
    MCP_HOST=0.0.0.0 \
    MCP_PORT=3000
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/dist ./dist
COPY LICENSE README.md ./
# The image's own "node" user, by number, so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
ENTRYPOINT ["node", "dist/cli.js"]
