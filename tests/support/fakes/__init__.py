"""Fake servers, one aiohttp app per outside service, speaking its protocol byte for byte
(../shared/docs/external-apis.md). Each exposes `state` to script error modes from a test."""
