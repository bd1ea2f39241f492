-- migrate:up
-- Every dashboard request checks that its session (a refresh-token family) is still live: a
-- family has at most one unrevoked token, so this index holds one small entry per live session.
create index refresh_tokens_live_family_idx on refresh_tokens (family_id) include (user_id, expires_at)
    where revoked_at is null;

-- migrate:down
