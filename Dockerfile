# syntax=docker/dockerfile:1
# Multi-stage build: the pinned Deno (from the npm registry, as ./dev does) compiles one
# executable with the UI bundle embedded; the runtime image holds only that binary.

FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
COPY tools/package.json tools/package-lock.json tools/
RUN npm ci --prefix tools --no-audit --no-fund
ENV PATH=/src/tools/node_modules/.bin:$PATH
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY main.ts mod.ts ./
COPY core core
COPY cli cli
COPY routes routes
COPY islands islands
COPY static static
COPY tools/build_islands.ts tools/
# Bundles the islands into static/build/, then one binary with static/ embedded. (Both need
# network: `deno bundle` fetches esbuild, `deno compile` its denort base binary.)
RUN deno task build:islands && deno task compile

# The Deno binary is glibc-only: a slim Debian base, not Alpine.
FROM debian:bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="deid" \
      org.opencontainers.image.description="Streaming DICOM anonymizer: CLI and web server" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --system --gid 10001 deid \
 && useradd --system --uid 10001 --gid deid --home-dir /data --no-create-home deid \
 && mkdir -p /data && chown deid:deid /data
COPY --from=build /src/dist/deid /usr/local/bin/deid
USER deid:deid
ENV HOST=0.0.0.0 PORT=8000 DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["deid", "healthcheck"]
ENTRYPOINT ["deid"]
CMD ["serve"]
