# escape=\
FROM alpine:3.20
RUN echo one \
    two
COPY <<EOF /x
line1
line2
EOF
CMD echo done
