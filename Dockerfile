# Gatewatch production image: front-end assets built with npm, served by `gatewatch serve`.
# Build: docker build -t gatewatch .   Run the whole shape: docker compose up (see docker-compose.yml).

# --- Stage 1: front-end assets (static/vendor/) from the pinned package-lock.json ---------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/ scripts/
RUN npm run build

# --- Stage 2: the Python app ----------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GATEWATCH_DATA_DIR=/data \
    GATEWATCH_VENUE=/app/venues/default.yaml

WORKDIR /app
COPY . .
COPY --from=assets /src/static/vendor/ static/vendor/

# Editable install: the app finds templates/, static/ and venues/ next to server/, which a
# plain `pip install .` into site-packages would leave behind. The code stays root-owned,
# so the unprivileged user below cannot modify it.
RUN pip install -e . \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home gatewatch \
    && mkdir -p /data \
    && chown gatewatch:gatewatch /data

# Named volumes mounted here inherit this ownership on first use.
VOLUME ["/data"]
USER gatewatch
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["gatewatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
