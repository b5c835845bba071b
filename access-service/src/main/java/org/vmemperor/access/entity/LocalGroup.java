package org.vmemperor.access.entity;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A group of the local realm and its members (local users only). */
@Entity
@Table(name = "local_group")
public class LocalGroup extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false, unique = true)
    public String name;

    @Column(nullable = false)
    public Instant created;

    @ManyToMany
    @JoinTable(name = "group_member", joinColumns = @JoinColumn(name = "group_id"), inverseJoinColumns = @JoinColumn(name = "user_id"))
    public Set<LocalUser> members = new HashSet<>();

    public static Optional<LocalGroup> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static List<LocalGroup> listByName() {
        return list("order by name");
    }

    /** The groups a local user belongs to. */
    public static List<LocalGroup> ofMember(String userId) {
        return list("select g from LocalGroup g join g.members m where m.id = ?1 order by g.name", userId);
    }
}
