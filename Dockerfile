# The portal as an image: the database is built when the image is, and the container runs the
# same gunicorn command as the Procfile. Every replica of the image serves the same immutable file.
#
#   docker build -t portal .
#   docker run -p 8000:8000 portal

FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000
WORKDIR /app
COPY pyproject.toml README.md requirements-lock.txt ./
COPY portal ./portal
# The audited versions of requirements-lock.txt, pip and setuptools first.
RUN pip install --no-cache-dir $(grep -E '^(pip|setuptools)==' requirements-lock.txt) \
    && pip install --no-cache-dir -r requirements-lock.txt -e .
COPY datasets ./datasets
COPY schemas ./schemas
COPY metadata.yml gunicorn.conf.py Procfile ./
COPY --from=frontend /app/node_modules ./node_modules
# Validate, build and write the downloads now, so that a container starts serving at once and a
# data error fails the image build rather than a deployment.
RUN portal validate && portal build && portal downloads \
    && useradd --system --no-create-home portal
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c \
    "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz')"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "portal.web.asgi:create_app()"]
