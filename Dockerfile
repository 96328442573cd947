# Zaakpoort container image. Build: docker build -t zaakpoort .   (podman build works the same)
# Tested by deploy/container-smoke.sh (see README, Container).

# Build stage: installs the production dependencies (better-sqlite3 compiles for this Node), bundles src/ into
# dist/ and provisions the official VNG schemas.
FROM node:24-bookworm AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded: the headers of this very Node.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY bin/ bin/
COPY scripts/ scripts/
COPY schema-checksums/ schema-checksums/
COPY src/ src/
COPY wsdl/ wsdl/
COPY docker/schemas/ docker/schemas/
# Schemas: the two official zip files, or the unzipped package (its 0301/ folder and the rest), when placed in
# docker/schemas/ (no internet needed), else downloaded from the official URLs (schema-checksums/OFFICIAL-ZIPS).
# Either way every file is checked against SHA256SUMS.
# `zaakpoort provision-xsd` then fills xsd/.derived (rules derived from the schemas), which the read-only
# runtime image cannot write at start-up.
RUN set -e; \
    zips=$(find docker/schemas -name '*.zip' | paste -sd, -); \
    if [ -d docker/schemas/0301 ]; then export ZAAKPOORT_SCHEMA_SOURCE="$PWD/docker/schemas"; \
    elif [ -n "$zips" ]; then export ZAAKPOORT_SCHEMA_SOURCE="$zips"; fi; \
    node scripts/provision-xsd.mjs; \
    node scripts/build.mjs --force; \
    node bin/zaakpoort.mjs provision-xsd

# Runtime stage: no compilers, non-root, data on a volume.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    ZAAKPOORT_DATA_DIR=/var/lib/zaakpoort \
    ZAAKPOORT_SCHEMA_DIR=/app/xsd
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/bin/ bin/
COPY --from=build /app/dist/ dist/
COPY --from=build /app/scripts/ scripts/
COPY --from=build /app/schema-checksums/ schema-checksums/
COPY --from=build /app/wsdl/ wsdl/
COPY --from=build /app/xsd/ xsd/
RUN mkdir -p /var/lib/zaakpoort && chown node:node /var/lib/zaakpoort
USER node
VOLUME ["/var/lib/zaakpoort"]
EXPOSE 8080
# Readiness: schemas compiled, database reachable, data volume writable. (With tls configured, probe https.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node is PID 1 and gets SIGTERM itself (no npm or shell in between): in-flight requests finish, then exit 0.
# For less memory at some throughput (README "Start profiles"): add "--heap-growing-percent=20" after the first flag.
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/zaakpoort.mjs"]
CMD ["start"]
