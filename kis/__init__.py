"""The one client of the broker, KIS Open API (../shared/docs/external-apis.md §1–3), shared by
ingest and jobs: `auth` (approval key and the access token, cached on disk because KIS issues
one a minute), `rest` (paced REST quotations), `master` (the stock master files).

The real-time WebSocket session lives in ingest (ingest/session.py); its frames are parsed by
tickcore, which owns every frame format.
"""
