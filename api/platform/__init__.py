"""The platform's own routes: health, metrics, the OpenAPI document and Swagger UI, the SPA, and
per-worker runtime tuning."""
