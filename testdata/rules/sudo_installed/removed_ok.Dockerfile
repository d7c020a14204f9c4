FROM alpine:3.20
RUN apk add --no-cache --virtual .setup sudo && sudo -u nobody true && apk del .setup
RUN apk add --no-cache doas
RUN apk del doas
