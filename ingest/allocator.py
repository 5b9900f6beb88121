"""Slot allocator: which symbols get the real-time registrations of each app key.

Priority: symbols open in someone's browser (most recently watched first), then favorites (most
favorited first), then SUBSCRIBE_SYMBOLS (in order). Each key has `budget` registrations
(KIS_MAX_REGISTRATIONS). A symbol keeps its key while it still deserves a slot, so a change in
demand moves as few registrations as possible. Symbols that get no slot are polled via REST.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Allocation:
    streams: dict[str, list[str]]  # key id → symbols
    polled: list[str]
    wanted: list[str]


def ordered_wanted(demand: list[str], favorites: list[str], configured: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for group in (demand, favorites, configured):
        for symbol in group:
            if symbol not in seen:
                seen.add(symbol)
                out.append(symbol)
    return out


def allocate(keys: list[str], budget: int, wanted: list[str], current: dict[str, list[str]],
             refused: dict[str, set[str]] | None = None) -> Allocation:
    """`keys`: key ids able to stream now, in configuration order; `current`: what each streams."""
    refused = refused or {}
    capacity = {k: max(0, budget - 0) for k in keys}
    chosen = set(wanted[: budget * len(keys)]) if keys else set()
    streams: dict[str, list[str]] = {k: [] for k in keys}
    placed: set[str] = set()
    # keep symbols where they are
    for k in keys:
        for symbol in current.get(k, []):
            if symbol in chosen and symbol not in placed and symbol not in refused.get(k, set()) \
                    and len(streams[k]) < capacity[k]:
                streams[k].append(symbol)
                placed.add(symbol)
    # place the rest in priority order, filling keys in configuration order
    for symbol in wanted:
        if symbol not in chosen or symbol in placed:
            continue
        for k in keys:
            if len(streams[k]) < capacity[k] and symbol not in refused.get(k, set()):
                streams[k].append(symbol)
                placed.add(symbol)
                break
    polled = [s for s in wanted if s not in placed]
    return Allocation(streams, polled, wanted)
