"""The market's state: GET /api/market/status (routes.py, shapes.py)."""
