FROM alpine:3.20 AS keys
RUN apk add --no-cache openssh-server && ssh-keygen -A

FROM alpine:3.20
RUN apk add --no-cache openssh-client git
EXPOSE 2222
CMD ["git", "daemon"]
