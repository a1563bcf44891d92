# syntax=docker/dockerfile:1.7
# One image for every role: `docker run IMAGE --role poll|worker|result|all`, `docker run IMAGE migrate`.
# Versions are pinned; bump them together with global.json (SDK) and the runtime the tests run on.
ARG DOTNET_SDK_VERSION=10.0.401
ARG DOTNET_RUNTIME_VERSION=10.0.12
ARG NODE_VERSION=20.20.2

# Node only provides `node` and `npm` for the browser client's `npm ci` (an MSBuild target runs it).
FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS node

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION} AS build
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
RUN --mount=type=cache,id=voting-nuget,target=/root/.nuget/packages \
    --mount=type=cache,id=voting-npm,target=/root/.npm \
    dotnet publish Voting.Host/Voting.Host.csproj -c Release -o /app \
 && test -x /app/voting

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="voting" \
      org.opencontainers.image.description="Live polls: one executable, roles poll, worker and result" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/aspnet:${DOTNET_RUNTIME_VERSION}"
WORKDIR /app
# Owned by root and not writable by the app user: the app never writes its own files.
COPY --from=build /app /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
# Numeric uid (1654 in the official images) so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["/app/voting"]
