package org.vmemperor.common.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.vmemperor.common.error.ApiException;

/**
 * What a right allows: {@code launch} (info, start, stop, reboot, console, playbooks), {@code attach},
 * {@code destroy}, and {@code all}, which holds every other action.
 */
public enum Action {
    LAUNCH,
    ATTACH,
    DESTROY,
    ALL;

    /** The concrete actions {@link #ALL} stands for. */
    public static final Set<Action> CONCRETE = EnumSet.of(LAUNCH, ATTACH, DESTROY);

    /** The name on the wire and in {@code other_config}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the {@code action} argument; 400 for anything else. */
    public static Action parse(String name) {
        return lookUp(name).orElseThrow(
                () -> ApiException.badRequest("unsupported action '" + name + "': one of launch, attach, destroy, all"));
    }

    /** Lenient lookup for stored data: unknown names (written by a newer version, say) are skipped, not fatal. */
    static Optional<Action> lookUp(String name) {
        for (Action action : values()) {
            if (action.wireName().equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
