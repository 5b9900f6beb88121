"""Saved company comparisons of a signed-in user, with performance rebased on the server."""
