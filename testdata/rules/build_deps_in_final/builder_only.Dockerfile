FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libssl-dev
COPY . /src
RUN make -C /src

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/bin/tool /usr/local/bin/tool
USER 10001
ENTRYPOINT ["/usr/local/bin/tool"]
