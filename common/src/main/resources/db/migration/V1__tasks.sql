-- Every asynchronous operation of every service is a row here, created before its id is answered,
-- so /taskstatus never 404s a task it just returned, and so tasks survive restarts.
CREATE TABLE task (
    id              VARCHAR(64)  PRIMARY KEY,
    kind            VARCHAR(32)  NOT NULL,
    creator         VARCHAR(128) NOT NULL,
    state           VARCHAR(32)  NOT NULL,
    progress        DOUBLE PRECISION NOT NULL DEFAULT 0,
    message         TEXT,
    object_uuid     VARCHAR(64),
    xenapi_ref      VARCHAR(128),
    created         TIMESTAMP WITH TIME ZONE NOT NULL,
    finished        TIMESTAMP WITH TIME ZONE,
    error_info      TEXT,
    result          TEXT
);
CREATE INDEX task_xenapi_ref ON task (xenapi_ref);
CREATE INDEX task_unfinished ON task (finished) WHERE finished IS NULL;
