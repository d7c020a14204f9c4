from alpine:3.20 as base
run apk add --no-cache \
    # tools needed at runtime
    curl \

    jq \
  && rm -rf /var/cache/apk/*
onbuild COPY . /app/src
onbuild RUN make -C /app/src install
env PATH=/app/bin:$PATH
expose 9000
maintainer someone@example.com

from base as child
arg DEBUG=0
entrypoint /app/bin/server --debug=$DEBUG
