ARG NODE_MAJOR=20
FROM ruby:3.3-slim
ARG NODE_MAJOR
# expect: HL1003
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && curl -fsSL "https://deb.nodesource.com/setup_${NODE_MAJOR}.x" | bash - \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
USER 1000
CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]
