FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y sudo

FROM debian:12-slim
# expect: HL1032
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates \
      sudo \
 && useradd -m app && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app
USER app
