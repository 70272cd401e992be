#
# claimsgw container image: a static Go binary on distroless, running as a
# non-root user.
#
#   docker build -t claimsgw:local \
#       --build-arg VERSION=1.2.0 --build-arg COMMIT=$(git rev-parse HEAD) .
#   docker run --rm -v $PWD/deploy/compose/config.yaml:/etc/claimsgw/config.yaml:ro \
#       -p 8080:8080 claimsgw:local
#
# The deployment files that use this image are under deploy/ (deploy/README.md).

############################
# Build stage
############################
FROM golang:1.26 AS build

WORKDIR /src

# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download

COPY . .

# What `claimsgw version` prints. The build context has no .git
# (.dockerignore), so Go cannot stamp the commit: pass it.
ARG VERSION=dev
ARG COMMIT=unknown

# CGO_ENABLED=0 gives a static binary: the SQLite driver is modernc.org/sqlite
# (pure Go) and PostgreSQL is pgx (pure Go), so no C library is needed.
RUN CGO_ENABLED=0 GOOS=linux \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/claimsgw ./cmd/claimsgw

# The data directory (data_dir in the config), created here so that it is owned
# by the non-root user: a named volume mounted on it inherits this ownership.
RUN mkdir -p /out/var/lib/claimsgw /out/etc/claimsgw

############################
# Final stage
############################
# distroless/static: CA certificates, /etc/passwd with the nonroot user
# (65532:65532), tzdata, and no shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot

LABEL org.opencontainers.image.title="claimsgw" \
      org.opencontainers.image.description="X12 EDI claims gateway" \
      org.opencontainers.image.source="https://github.com/claimsgw/claimsgw"

COPY --from=build /out/claimsgw /claimsgw
COPY --from=build --chown=65532:65532 /out/var/lib/claimsgw /var/lib/claimsgw
COPY --from=build --chown=65532:65532 /out/etc/claimsgw /etc/claimsgw

USER 65532:65532
WORKDIR /var/lib/claimsgw

# HTTP API: /healthz, /readyz, /metrics, /v1/... (http.listen must be
# 0.0.0.0:8080 or :8080 in the container, not the 127.0.0.1 default).
EXPOSE 8080

# No HEALTHCHECK: distroless has no shell, curl or wget to run one, and the
# binary has no health subcommand. Probe GET /healthz (liveness) and
# GET /readyz (readiness) from outside: Kubernetes probes do this
# (deploy/k8s/deployment.yaml); in compose, check them with curl from the host.

ENTRYPOINT ["/claimsgw"]
CMD ["serve", "--config", "/etc/claimsgw/config.yaml"]
