package org.vmemperor.access.entity;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One security decision: who, what, on what, when, from where, and whether it succeeded. */
@Entity
@Table(name = "audit_log")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public Instant at;

    /** The principal id, or the attempted user name for a failed login. */
    public String actor;

    @Column(nullable = false)
    public String action;

    public String target;

    public String detail;

    public String address;

    @Column(nullable = false)
    public boolean success;
}
