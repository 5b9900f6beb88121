"""The users' data: accounts and favorites. Every favorite query is scoped by the user's id."""

from __future__ import annotations

import asyncpg


async def email_taken(db: asyncpg.Pool, email: str) -> bool:
    return bool(await db.fetchval("SELECT 1 FROM users WHERE lower(email) = lower($1)", email))


async def create_user(db: asyncpg.Pool, email: str, username: str, password_hash: str) -> int | None:
    """The new user's id, or None when the email was taken meanwhile."""
    user_id: int | None = await db.fetchval(
        "INSERT INTO users (email, username, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id",
        email,
        username,
        password_hash,
    )
    return user_id


async def user_by_email(db: asyncpg.Pool, email: str) -> asyncpg.Record | None:
    return await db.fetchrow(
        "SELECT id, email, username, password_hash FROM users WHERE lower(email) = lower($1)", email
    )


async def user_by_id(db: asyncpg.Pool, user_id: int) -> asyncpg.Record | None:
    return await db.fetchrow("SELECT id, email, username FROM users WHERE id = $1", user_id)


async def favorites(db: asyncpg.Pool, user_id: int) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT id, company_id, created_at FROM favorites WHERE user_id = $1 ORDER BY created_at, id", user_id
    )


async def company_exists(db: asyncpg.Pool, company_id: int) -> bool:
    return bool(await db.fetchval("SELECT EXISTS (SELECT 1 FROM companies WHERE id = $1)", company_id))


async def add_favorite(db: asyncpg.Pool, user_id: int, company_id: int) -> asyncpg.Record | None:
    """The new favorite, or None when the user already has this company."""
    return await db.fetchrow(
        """INSERT INTO favorites (user_id, company_id) VALUES ($1, $2)
           ON CONFLICT (user_id, company_id) DO NOTHING RETURNING id, company_id, created_at""",
        user_id,
        company_id,
    )


async def delete_favorite(db: asyncpg.Pool, user_id: int, favorite_id: int) -> int | None:
    deleted: int | None = await db.fetchval(
        "DELETE FROM favorites WHERE id = $1 AND user_id = $2 RETURNING id", favorite_id, user_id
    )
    return deleted
