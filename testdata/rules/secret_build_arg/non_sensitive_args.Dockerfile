FROM python:3.12-slim
ARG PIP_INDEX_URL=https://pypi.org/simple
ARG APP_VERSION=dev
ARG TOKEN_URL=https://auth.example.com/token
RUN pip install --no-cache-dir --index-url "${PIP_INDEX_URL}" "app==${APP_VERSION}" \
 && echo "token endpoint: ${TOKEN_URL}" > /etc/app.conf
USER 10001
CMD ["app"]
