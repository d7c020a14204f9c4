FROM python:3.12-slim AS base
# expect: HL1019
RUN apt-get update \
    # no cleanup of the lists
    && apt-get install -y --no-install-recommends libpq5
# expect: HL1019
RUN pip install -r requirements.txt

FROM base
# expect: HL1019
RUN npm ci
# expect: HL1019
RUN apk --update add curl
