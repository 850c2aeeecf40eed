# Build: docker build -t kms .
# Run:   docker run -p 8720:8720 -v kms-data:/var/lib/kms kms
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libssl-dev libsqlite3-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product kms --static-swift-stdlib && cp .build/release/kms /kms

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 libsqlite3-0 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/kms --shell /usr/sbin/nologin kms \
    && mkdir -p /var/lib/kms && chown kms:kms /var/lib/kms && chmod 0700 /var/lib/kms
COPY --from=build /kms /usr/local/bin/kms
USER kms
VOLUME ["/var/lib/kms"]
EXPOSE 8720
ENV KMS_LISTEN=0.0.0.0:8720 KMS_DATA_DIR=/var/lib/kms KMS_LOG_FORMAT=json
# Liveness: GET /v1/health; readiness (store and audit writable): GET /v1/ready.
ENTRYPOINT ["/usr/local/bin/kms", "server"]
