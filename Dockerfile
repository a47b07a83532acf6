FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md ./
COPY registration/ registration/
COPY welcome/ welcome/
RUN pip install --no-cache-dir . \
    && groupadd --system --gid 10001 nameko \
    && useradd --system --no-create-home --uid 10001 --gid nameko nameko \
    && mkdir /app/data \
    && chown nameko:nameko /app/data

COPY config.yaml alembic.ini ./
COPY migrations/ migrations/

USER 10001:10001

EXPOSE 8000

ENTRYPOINT ["nameko", "run", "--config", "config.yaml"]
CMD ["registration.entrypoints.service"]
