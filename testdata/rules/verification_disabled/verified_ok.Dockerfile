FROM debian:12 AS pkgs
RUN tempDir="$(mktemp -d)" && cd "$tempDir" && dpkg-scanpackages . > Packages \
  && echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list

FROM alpine:3.20 AS unused
RUN curl -k https://example.com/x

FROM nginx:1.27-alpine
RUN --mount=type=bind,target=/tmp/packages/,source=/tmp/packages/,from=pkgs \
    apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-njs.apk
RUN echo "curl -k is not run here" && curl -fsSL https://example.com/x -o /x -- -k
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PIP_TRUSTED_HOST=
RUN printf '[x]\ngpgcheck=1\nrepo_gpgcheck=0\n' > /etc/yum.repos.d/x.repo
RUN add-apt-repository -y ppa:deadsnakes/ppa \
  && add-apt-repository "deb [signed-by=/usr/share/keyrings/repo.gpg] https://repo.example.com/ubuntu noble main"
