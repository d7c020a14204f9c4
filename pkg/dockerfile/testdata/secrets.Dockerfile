ARG GLOBAL_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJklmnop
FROM node:20-alpine AS deps
ARG NPM_TOKEN=npm_s3cr3tV4lu3Th4tIsL0ng
ENV AWS_ACCESS_KEY_ID=AKIAZ7VRSQ5TQ3JXW4KM
RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci
RUN --mount=type=secret,id=gh \
    --mount=type=ssh \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && \
    curl -u admin:Sup3rS3cretPassw0rd https://example.com
RUN ["sh", "-c", "echo AKIAQX4BXN2UL7PMRD6H"]
RUN --network=none --security=insecure true

FROM deps
RUN echo "inherited ${NPM_TOKEN}"
ONBUILD ENV SLACK_WEBHOOK=https://hooks.slack.com/services/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
COPY <<EOF /root/.netrc
machine example.com login deploy password Xk9mQ2vL7pR4wZ8s
EOF
