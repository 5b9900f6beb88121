"""The contract between processes, each format with its one owner and documented in its module:
Redis keys and channels (`keys`), the tick message (`ticks`), the open bar (`bars`), the ingest and
collector status records (`status`), cache invalidation (`cache`), and the RESP encoder of the hot
paths (`resp`). Settings are declared in core/settings.py.
"""
