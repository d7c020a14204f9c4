FROM python:3.12-slim
# expect: HL1008
ONBUILD RUN pip config set global.index-url https://ci:Rt7vK2pX9mQ4wL8zN3bF@pypi.internal.example.com/simple
USER 10001
