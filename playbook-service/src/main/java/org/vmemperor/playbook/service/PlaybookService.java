package org.vmemperor.playbook.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;
import org.vmemperor.playbook.catalog.Playbook;
import org.vmemperor.playbook.catalog.PlaybookCatalog;

/**
 * Which playbooks a caller may see and run. A playbook with a fixed inventory reaches machines of the administrator's
 * choosing rather than the caller's VMs, so only administrators see and run it.
 */
@ApplicationScoped
public class PlaybookService {

    private final PlaybookCatalog catalog;

    public PlaybookService(PlaybookCatalog catalog) {
        this.catalog = catalog;
    }

    public List<Playbook> visibleTo(UserPrincipal user) {
        return catalog.all().stream().filter(playbook -> user.admin() || playbook.inventory().isEmpty()).toList();
    }

    /** The playbook {@code id} if the caller may run it; 400 {@code no such playbook: <id>} otherwise. */
    public Playbook runnableBy(UserPrincipal user, String id) {
        return catalog.find(id).filter(playbook -> user.admin() || playbook.inventory().isEmpty())
                .orElseThrow(() -> ApiException.badRequest("no such playbook: " + id));
    }
}
