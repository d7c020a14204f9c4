# One CMD per stage; a child stage replacing its parent's CMD is normal.
FROM alpine:3.20 AS base
CMD ["sh"]

FROM base
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["/app"]
