# Jupyter Docker Stacks run as jovyan (uid 1000); switching back after root
# steps keeps it.
FROM quay.io/jupyter/scipy-notebook:2024-05-27
USER root
RUN apt-get update && apt-get install -y --no-install-recommends graphviz && rm -rf /var/lib/apt/lists/*
USER ${NB_UID}
RUN pip install --no-cache-dir altair
