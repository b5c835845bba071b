-- Identity and sessions (access-service writes, every service reads revoked_token).

-- Local users. Ids are random UUIDs so that they stay stable and never collide with LDAP ("ldap:<uid>") or pool
-- administrator ("xen:<name>") ids, which carry a prefix.
CREATE TABLE local_user (
    id              VARCHAR(64)  PRIMARY KEY,
    username        VARCHAR(128) NOT NULL UNIQUE,
    name            VARCHAR(256) NOT NULL,
    password_hash   VARCHAR(128) NOT NULL,
    created         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE local_group (
    id              VARCHAR(64)  PRIMARY KEY,
    name            VARCHAR(128) NOT NULL UNIQUE,
    created         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE group_member (
    group_id        VARCHAR(64)  NOT NULL REFERENCES local_group (id) ON DELETE CASCADE,
    user_id         VARCHAR(64)  NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_member_user ON group_member (user_id);

-- Logged-out tokens until they would have expired anyway; every service checks it (with a cache of seconds).
CREATE TABLE revoked_token (
    jti             VARCHAR(64)  PRIMARY KEY,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Failed logins per user name ("user:<name>") and per client address ("addr:<ip>"), shared by every replica.
CREATE TABLE login_throttle (
    throttle_key    VARCHAR(300) PRIMARY KEY,
    failures        INTEGER      NOT NULL,
    last_failure    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Who did what, when, from where. Never a password or a token.
CREATE TABLE audit_log (
    id              BIGSERIAL    PRIMARY KEY,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    actor           VARCHAR(300),
    action          VARCHAR(64)  NOT NULL,
    target          VARCHAR(300),
    detail          TEXT,
    address         VARCHAR(64),
    success         BOOLEAN      NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
