# check=skip=FromAsCasing,StageNameCasing,LegacyKeyValueFormat
FROM alpine:3.20 as Build
ENV APP_HOME /app
USER 10001
