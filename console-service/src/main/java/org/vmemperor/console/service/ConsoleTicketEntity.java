package org.vmemperor.console.service;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One console secret (migration V6): only its SHA-256, what it is bound to, and its lifetime. */
@Entity
@Table(name = "console_ticket")
public class ConsoleTicketEntity extends PanacheEntityBase {

    @Id
    @Column(name = "secret_sha256")
    public String secretSha256;

    @Column(name = "vm_uuid")
    public String vmUuid;

    /** The principal id ({@code users/<id>}) of the user who asked, for the log line and queries. */
    @Column(name = "user_id")
    public String userId;

    /** The whole principal (groups, admin flag) as JSON, so that the relay can check rights as that user. */
    @Column(name = "principal")
    public String principal;

    /** The session ({@code jti}) the secret was asked with: the console ends when that session does. */
    @Column(name = "token_id")
    public String tokenId;

    @Column(name = "token_expires")
    public Instant tokenExpires;

    /** The session epoch of that token: ending all the user's sessions (deletion, group removal) ends the console. */
    @Column(name = "session_epoch")
    public long sessionEpoch;

    @Column(name = "created")
    public Instant created;

    @Column(name = "expires")
    public Instant expires;

    @Column(name = "used_at")
    public Instant usedAt;
}
