-- One-time links to unattended-install answer files (GET /autoinstall/<token>, unauthenticated).
-- Only the SHA-256 of the token is stored, so reading this table does not yield a usable link. The answer file holds
-- the user's password as a SHA-512 crypt hash (never in plain text) and is cleared once the installer fetched it.
-- task_id is the /createvm task (no foreign key: the task row may be written by another service instance).
CREATE TABLE autoinstall_token (
    token_sha256    CHAR(64)     PRIMARY KEY,
    vm_uuid         VARCHAR(64)  NOT NULL,
    task_id         VARCHAR(64)  NOT NULL,
    answer_file     TEXT,
    created         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires         TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX autoinstall_token_task ON autoinstall_token (task_id);
CREATE INDEX autoinstall_token_expires ON autoinstall_token (expires);
