# check=skip=UndefinedVar,UndefinedArgInFrom
FROM alpine:${ALPINE_VERSION}
FROM scratch
COPY $BIN_DIR/app /app
