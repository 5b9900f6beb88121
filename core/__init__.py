"""The shared core of every process: settings, logging, time, retries and the Redis contract.

It imports nothing else of the project (tests/architecture/test_layers.py holds it to that), so
api, ingest, jobs and the dev tools can all stand on it.
"""
