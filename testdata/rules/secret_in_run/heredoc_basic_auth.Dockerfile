# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN <<EOF
set -eux
# expect: HL1008
pip download --no-deps -d /wheels --index-url https://ci:Rt7vK2pX9mQ4wL8zN3bF@pypi.internal.example.com/simple internal-lib
pip install --no-cache-dir /wheels/*.whl
EOF
USER 10001
CMD ["python", "-m", "internal_lib"]
