-- Playbook runs (playbook-service): which replica (node) runs each one, and its heartbeat. A run lives in the memory
-- and child process of the replica that accepted it; when that replica stops, its heartbeat stops too, and any replica
-- marks the run failed (at once for its own node's runs when it starts again), so no run stays "running" forever.
CREATE TABLE playbook_run (
    task_id     VARCHAR(64)  PRIMARY KEY REFERENCES task (id) ON DELETE CASCADE,
    playbook    VARCHAR(255) NOT NULL,
    node        VARCHAR(255) NOT NULL,
    heartbeat   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX playbook_run_node ON playbook_run (node);
