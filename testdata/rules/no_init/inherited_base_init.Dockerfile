# Jupyter Docker Stacks' ENTRYPOINT is tini -g -- start.sh: the CMD runs
# under it.
FROM quay.io/jupyter/minimal-notebook:2024-05-27
RUN pip install --no-cache-dir jupyterlab-git
CMD ["start-notebook.py", "--ServerApp.base_url=/lab"]
