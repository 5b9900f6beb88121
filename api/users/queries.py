"""The users' data: accounts and favorites. Every query is scoped by the signed-in user's id."""

from __future__ import annotations

import datetime as dt

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
    return await db.fetchrow("SELECT id, email, username, tokens_valid_after FROM users WHERE id = $1", user_id)


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


# ------------------------------------------------------------------------------------- account control


async def account(db: asyncpg.Pool, user_id: int) -> asyncpg.Record | None:
    return await db.fetchrow("SELECT id, email, username, password_hash, created_at FROM users WHERE id = $1", user_id)


async def set_password(db: asyncpg.Pool, user_id: int, password_hash: str, tokens_valid_after: dt.datetime) -> bool:
    updated = await db.fetchval(
        "UPDATE users SET password_hash = $2, tokens_valid_after = $3 WHERE id = $1 RETURNING id",
        user_id,
        password_hash,
        tokens_valid_after,
    )
    return updated is not None


async def delete_account(db: asyncpg.Pool, user_id: int) -> tuple[int, int] | None:
    """Delete the user and everything of theirs (favorites and comparisons go by ON DELETE CASCADE);
    (favorites, comparisons) deleted, or None when the user was already gone."""
    async with db.acquire() as conn, conn.transaction():
        counts = await conn.fetchrow(
            """SELECT (SELECT count(*) FROM favorites WHERE user_id = $1) AS favorites,
                      (SELECT count(*) FROM comparisons WHERE user_id = $1) AS comparisons
               FROM users WHERE id = $1 FOR UPDATE""",
            user_id,
        )
        if counts is None:
            return None
        await conn.execute("DELETE FROM users WHERE id = $1", user_id)
        return counts["favorites"], counts["comparisons"]


async def favorites_with_companies(db: asyncpg.Pool, user_id: int) -> list[asyncpg.Record]:
    return await db.fetch(
        """SELECT f.id, f.company_id, c.symbol, c.name, f.created_at
           FROM favorites f JOIN companies c ON c.id = f.company_id
           WHERE f.user_id = $1 ORDER BY f.created_at, f.id""",
        user_id,
    )
