-- Per-user data: favorites and saved comparisons.
CREATE TABLE favorites (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company_id integer NOT NULL REFERENCES companies (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, company_id)
);

CREATE TABLE comparisons (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comparisons_user_idx ON comparisons (user_id, created_at DESC);

CREATE TABLE comparison_companies (
    comparison_id bigint NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
    position      smallint NOT NULL,
    company_id    integer NOT NULL REFERENCES companies (id),
    PRIMARY KEY (comparison_id, position),
    UNIQUE (comparison_id, company_id)
);
