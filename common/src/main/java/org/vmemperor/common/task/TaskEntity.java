package org.vmemperor.common.task;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One row of the {@code task} table (V1, V3): every asynchronous operation of every service. Only {@link TaskService}
 * and {@link XenTaskTracker} write it.
 */
@Entity
@Table(name = "task")
public class TaskEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String kind;

    /** Principal id of the caller who started it ({@code users/<id>}). */
    @Column(nullable = false)
    public String creator;

    /** pending/success/failure/cancelled for standard tasks; free-form states for installations and playbooks. */
    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public double progress;

    public String message;

    @Column(name = "object_uuid")
    public String objectUuid;

    @Column(name = "xenapi_ref")
    public String xenapiRef;

    @Column(nullable = false)
    public Instant created;

    public Instant finished;

    /** JSON array of strings, XenAPI's [CODE, params...]. */
    @Column(name = "error_info")
    public String errorInfo;

    public String result;

    @Column(nullable = false)
    public String shape;

    public Integer returncode;

    public Instant updated;

    @Column(name = "xenapi_destroyed", nullable = false)
    public boolean xenapiDestroyed;
}
