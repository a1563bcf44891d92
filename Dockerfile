# syntax=docker/dockerfile:1.7
# One image for every role: `docker run IMAGE --role poll|worker|result|all`, `docker run IMAGE migrate`.
# Versions are pinned; bump them together with global.json (SDK) and the runtime the tests run on.
# Multi-platform (linux/amd64, linux/arm64: .github/workflows/release.yml): the build stages run on
# the builder's own platform and cross-publish for the target, so no stage runs under emulation.
ARG DOTNET_SDK_VERSION=10.0.404
ARG DOTNET_RUNTIME_VERSION=10.0.15
ARG NODE_VERSION=22.23.2

# Node (the LTS line) only provides `node` and `npm` for the browser client's `npm ci` (an MSBuild target runs it).
FROM --platform=$BUILDPLATFORM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS node

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION} AS build
ARG TARGETARCH
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /src
COPY . .
# Docker names the architectures amd64 and arm64, .NET x64 and arm64.
RUN --mount=type=cache,id=voting-nuget,target=/root/.nuget/packages \
    --mount=type=cache,id=voting-npm,target=/root/.npm \
    arch=$(case "${TARGETARCH:-amd64}" in amd64) echo x64 ;; *) echo "$TARGETARCH" ;; esac) \
 && dotnet publish Voting.Host/Voting.Host.csproj -c Release -o /app -a "$arch" --self-contained false \
 && test -x /app/voting

# Ubuntu "chiseled": no shell, no package manager, a non-root user (uid 1654) by default. The
# "extra" flavour keeps ICU and time zones, so the app behaves as on the machines its tests run on.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION}-noble-chiseled-extra AS runtime
ARG DOTNET_RUNTIME_VERSION
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="voting" \
      org.opencontainers.image.description="Live polls: one executable, roles poll, worker and result" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION}-noble-chiseled-extra"
WORKDIR /app
# Owned by root and not writable by the app user: the app never writes its own files.
COPY --from=build /app /app
# The GC's share of the container's memory limit, hexadecimal (0x32 = 50 %, the runtime's default is
# 75 %): a role's runtime, JIT code and mapped assemblies take 95-130 MiB outside the managed heap,
# which peaks at 5-25 MiB (docs/performance.md, "memory"). The manifests set it beside each limit.
# The other memory settings (workstation GC with background GC, GCConserveMemory, no tiered PGO)
# come with the published voting.runtimeconfig.json.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_GCHeapHardLimitPercent=0x32
EXPOSE 8080
# Numeric uid (1654 in the official images) so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["/app/voting"]
