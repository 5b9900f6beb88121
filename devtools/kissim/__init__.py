"""kissim: a KIS-protocol replay server (REST approval key/token/current price + WebSocket feed)."""
