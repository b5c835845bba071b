package org.vmemperor.playbook.service;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of {@code playbook_run} (V7): which replica runs a playbook task and when it last said it was alive. */
@Entity
@Table(name = "playbook_run")
public class PlaybookRunEntity extends PanacheEntityBase {

    @Id
    @Column(name = "task_id")
    public String taskId;

    @Column(nullable = false)
    public String playbook;

    @Column(nullable = false)
    public String node;

    @Column(nullable = false)
    public Instant heartbeat;
}
