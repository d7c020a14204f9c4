FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY server /usr/local/bin/server
USER 10001
# expect: HL1004
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--port", "8080"]
