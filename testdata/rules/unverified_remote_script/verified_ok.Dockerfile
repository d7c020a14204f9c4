FROM debian:12-slim
ARG SETUP_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
 && echo "${SETUP_SHA256}  /tmp/setup.sh" | sha256sum -c - \
 && bash /tmp/setup.sh && rm /tmp/setup.sh
RUN curl -fsSL https://example.com/tool.tgz | tar xz -C /usr/local \
 && curl -s https://api.github.com/repos/x/y/releases/latest | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag_name"])'
RUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl && kubectl version --client
