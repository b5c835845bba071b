-- Console secrets (POST /vnc, WebSocket /console?secret=...). Only the SHA-256 of the secret is stored, so reading this
-- table does not yield a usable console URL. A secret is bound to one VM and to the user (and session) that asked for
-- it, works once (used_at), and expires; any replica can accept it. Rows are purged a while after they expired.
CREATE TABLE console_ticket (
    secret_sha256   CHAR(64)      PRIMARY KEY,
    vm_uuid         VARCHAR(64)   NOT NULL,
    user_id         VARCHAR(255)  NOT NULL,
    principal       TEXT          NOT NULL,
    token_id        VARCHAR(255)  NOT NULL,
    token_expires   TIMESTAMP WITH TIME ZONE NOT NULL,
    session_epoch   BIGINT        NOT NULL DEFAULT 0,
    created         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires         TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX console_ticket_expires ON console_ticket (expires);
