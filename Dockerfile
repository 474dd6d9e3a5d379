# virt-platform-operator image: quay.io/kubevirt/virt-platform-operator (see manifests/), tagged
# v<version in package.json> (the tag manifests/kustomization.yaml and the OLM bundle pin):
#   docker build -t quay.io/kubevirt/virt-platform-operator:v$(node -p 'require("./package.json").version') .
#
# Stage 1 compiles the TypeScript with the dev dependencies; stage 2 holds only what the operator
# runs: production dependencies, the compiled operator (dist/operator, tests removed) and the asset
# catalog (found at /app/assets, next to dist/). It runs as a numeric non-root user, so the
# Deployment's runAsNonRoot can be verified, and needs no writable root filesystem.
# Node.js 24 is the active LTS (Node 20 reached end of life on 2026-04-30).

FROM docker.io/library/node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY operator ./operator
COPY envtest ./envtest
COPY e2e ./e2e
COPY rbac-gen ./rbac-gen
COPY scripts ./scripts
RUN npx tsc -p . \
 && find dist/operator \( -name '*.test.js' -o -name '*.test.js.map' \) -delete

FROM docker.io/library/node:24-bookworm-slim AS runtime
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
EXPOSE 8443 8081
ENTRYPOINT ["node", "/app/dist/operator/bin/virt-platform-operator.js"]
