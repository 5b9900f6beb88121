-- Account control (api/users/routes.py): a password change voids every token issued before it.
-- Redis (`auth:valid-after:{user}`) checks that on every request; this column keeps it for the
-- refresh route, which reads the user row anyway, so a refresh token from before the change stays
-- refused even if Redis loses the key.
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;
