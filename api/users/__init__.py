"""Users: sign-up, login, tokens (JWT access + rotating refresh, Redis deny-list), favorites."""
