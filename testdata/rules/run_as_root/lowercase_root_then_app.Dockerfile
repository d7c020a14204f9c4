# lower-case instructions; USER root for one step, then back to app.
from node:20-alpine
workdir /app
user root
run apk add --no-cache tini \
    # tini reaps zombies
    && mkdir -p /data && chown node:node /data
user node
copy --chown=node:node . .
entrypoint ["/sbin/tini", "--"]
cmd ["node", "server.js"]
