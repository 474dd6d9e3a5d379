# virt-platform-operator image: quay.io/kubevirt/virt-platform-operator (see manifests/).
#   docker build -t quay.io/kubevirt/virt-platform-operator:latest .
#
# Stage 1 compiles the TypeScript with the dev dependencies; stage 2 holds only what the operator
# runs: production dependencies, the compiled operator (dist/operator, tests removed) and the asset
# catalog (found at /app/assets, next to dist/). It runs as a numeric non-root user, so the
# Deployment's runAsNonRoot can be verified, and needs no writable root filesystem.

FROM docker.io/library/node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY operator ./operator
COPY localcluster ./localcluster
COPY envtest ./envtest
COPY e2e ./e2e
COPY rbac-gen ./rbac-gen
COPY scripts ./scripts
RUN npx tsc -p . \
 && find dist/operator \( -name '*.test.js' -o -name '*.test.js.map' \) -delete

FROM docker.io/library/node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# A small young generation and a heap cap keep RSS low (npm run bench measures with the same flags).
ENV NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=2"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*
COPY --from=build /src/dist/operator ./dist/operator
COPY assets ./assets
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "/app/dist/operator/bin/virt-platform-operator.js"]
