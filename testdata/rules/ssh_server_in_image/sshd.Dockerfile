ARG SSH_PORT=22
FROM alpine:3.20
ARG SSH_PORT
# expect: HL1034
RUN apk add --no-cache openssh && ssh-keygen -A
# expect: HL1034
EXPOSE ${SSH_PORT}
# expect: HL1034
CMD ["/usr/sbin/sshd", "-D", "-e"]
