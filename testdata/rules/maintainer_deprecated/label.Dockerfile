FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
# A label named maintainer is fine.
LABEL maintainer="Jane Doe"
USER 10001
