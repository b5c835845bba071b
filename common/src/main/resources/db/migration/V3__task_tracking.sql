-- Task tracking (common/task): which /taskstatus shape a task answers with, a playbook's return code, when a row
-- last changed, and whether the finished XenAPI task behind it has been destroyed on the pool (so a replica that
-- crashed between recording and destroying leaves work the reconciler of any replica can finish).
ALTER TABLE task ADD COLUMN shape VARCHAR(16) NOT NULL DEFAULT 'standard';
ALTER TABLE task ADD COLUMN returncode INTEGER;
ALTER TABLE task ADD COLUMN updated TIMESTAMP WITH TIME ZONE;
ALTER TABLE task ADD COLUMN xenapi_destroyed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX task_finished_at ON task (finished) WHERE finished IS NOT NULL;
CREATE INDEX task_undestroyed ON task (xenapi_ref) WHERE xenapi_ref IS NOT NULL AND finished IS NOT NULL
    AND NOT xenapi_destroyed;
