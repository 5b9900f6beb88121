"""The database: schema migrations (`migrate`) and the bundled KRX snapshot loader (`snapshot`)."""
