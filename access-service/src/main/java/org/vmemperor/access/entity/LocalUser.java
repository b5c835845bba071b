package org.vmemperor.access.entity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A user of the local realm; the password is kept as a bcrypt hash only. */
@Entity
@Table(name = "local_user")
public class LocalUser extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false, unique = true)
    public String username;

    @Column(nullable = false)
    public String name;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(nullable = false)
    public Instant created;

    public static Optional<LocalUser> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public static List<LocalUser> listByUsername() {
        return list("order by username");
    }
}
