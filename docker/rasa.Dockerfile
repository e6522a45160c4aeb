# The Rasa server: Rasa Open Source 3.6 (its last open release, Python 3.10 only) with the bot's
# own components and the trained model. Build from the repository root, after `make model`:
#
#   docker build -f docker/rasa.Dockerfile -t alledore-rasa .
#
# The model is baked in, not mounted: the image is then the one thing a replica needs, every
# replica serves the same model, and going back to the previous model is going back to the
# previous image tag. `make model` trains it only when bot/ changed (the hash beside it says
# which bot/ it was trained on); MODEL points at another trained model file.
FROM python:3.10.19-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # As stack/model.py rasa_env: the bot's components (bot/addons) and the crisis lexicon
    # (knowledge/) importable, no telemetry, TensorFlow quiet.
    PYTHONPATH=/app:/app/bot \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    # Rasa's cache is for training; kept off the read-only code if anything asks for it.
    RASA_CACHE_DIRECTORY=/tmp/rasa-cache

# rasa alone, pinned with everything it pulls in (as `make` builds .venv-rasa); never app
# packages here, they break its pins.
COPY requirements/rasa-constraints.txt /app/requirements/rasa-constraints.txt
RUN pip install rasa==3.6.21 -c /app/requirements/rasa-constraints.txt \
    && useradd --create-home --uid 10001 --user-group alledore

# Root owns the code and the model; the server only reads them.
COPY bot /app/bot
COPY knowledge /app/knowledge
COPY docker/healthcheck.py /app/docker/healthcheck.py
ARG MODEL=var/models/alledore.tar.gz
COPY ${MODEL} /app/var/models/alledore.tar.gz

# By number: Kubernetes' runAsNonRoot can check a number, not a name.
USER 10001:10001
WORKDIR /app/bot
EXPOSE 5005

HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py", "rasa"]

# The supervisor's command (stack/supervisor.py), listening on the container's network. The
# token comes from ALLEDORE_RASA_TOKEN, which endpoints.yml and credentials.yml read as well.
CMD ["sh", "-c", "exec rasa run --enable-api --auth-token \"$ALLEDORE_RASA_TOKEN\" --interface 0.0.0.0 --port 5005 --model /app/var/models/alledore.tar.gz --endpoints endpoints.postgresql.yml --credentials credentials.yml"]
