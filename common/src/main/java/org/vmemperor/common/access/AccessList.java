package org.vmemperor.common.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jboss.logging.Logger;
import org.vmemperor.common.security.UserPrincipal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The rights on one object: principal id ({@code users/<id>} or {@code groups/<id>}) to actions. Immutable: grant
 * and revoke answer a new list. Stored as the {@code access} member of {@code other_config["vmemperor"]}.
 * <p>
 * Normal form: a principal holding {@code all} holds nothing else (all subsumes); a principal holding nothing has no
 * entry.
 */
public final class AccessList {

    private static final Logger LOG = Logger.getLogger(AccessList.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AccessList EMPTY = new AccessList(new TreeMap<>());

    private final SortedMap<String, Set<Action>> entries;

    private AccessList(SortedMap<String, Set<Action>> entries) {
        this.entries = entries;
    }

    public static AccessList empty() {
        return EMPTY;
    }

    /**
     * Reads the {@code access} member of an {@code other_config["vmemperor"]} value. {@code null}, blank or
     * unreadable JSON means no rights: a damaged value must neither fail every request on the object nor grant
     * anything.
     */
    public static AccessList parse(String vmemperorJson) {
        ObjectNode root = readRoot(vmemperorJson);
        JsonNode access = root.get("access");
        if (access == null || !access.isObject()) {
            return EMPTY;
        }
        SortedMap<String, Set<Action>> entries = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = access.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!AccessRights.isPrincipalId(field.getKey()) || !field.getValue().isArray()) {
                continue;
            }
            Set<Action> actions = EnumSet.noneOf(Action.class);
            for (JsonNode item : field.getValue()) {
                if (item.isTextual()) {
                    Action.lookUp(item.textValue()).ifPresent(actions::add);
                }
            }
            normalise(actions);
            if (!actions.isEmpty()) {
                entries.put(field.getKey(), Collections.unmodifiableSet(actions));
            }
        }
        return new AccessList(entries);
    }

    /** The rights stored in an object's {@code other_config}. */
    public static AccessList fromOtherConfig(Map<String, String> otherConfig) {
        return parse(otherConfig == null ? null : otherConfig.get(AccessRights.OTHER_CONFIG_KEY));
    }

    /** The actions a principal id holds itself (not through groups). */
    public Set<Action> actionsOf(String principalId) {
        return entries.getOrDefault(principalId, Set.of());
    }

    /** Whether the user, directly or through one of its groups, holds {@code action} (or {@code all}). */
    public boolean holds(UserPrincipal user, Action action) {
        if (entries.isEmpty()) {
            return false;
        }
        if (holdsItself(user.id(), action)) {
            return true;
        }
        for (String group : user.groups()) {
            if (holdsItself(group, action)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the user, directly or through one of its groups, holds any right at all. */
    public boolean holdsAny(UserPrincipal user) {
        if (entries.isEmpty()) {
            return false;
        }
        if (entries.containsKey(user.id())) {
            return true;
        }
        for (String group : user.groups()) {
            if (entries.containsKey(group)) {
                return true;
            }
        }
        return false;
    }

    private boolean holdsItself(String principalId, Action action) {
        Set<Action> actions = entries.get(principalId);
        return actions != null && (actions.contains(Action.ALL) || actions.contains(action));
    }

    /**
     * Grants an action; granting {@code all} replaces the principal's other actions, anything else under {@code all} is a
     * no-op.
     */
    public AccessList grant(String principalId, Action action) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        actions.addAll(actionsOf(principalId));
        actions.add(action);
        normalise(actions);
        return with(principalId, actions);
    }

    /**
     * Revokes an action. Revoking {@code all} removes the principal's entry. Revoking one action from a holder of
     * {@code all} leaves the other concrete actions. An entry left without actions is removed.
     */
    public AccessList revoke(String principalId, Action action) {
        Set<Action> current = actionsOf(principalId);
        if (current.isEmpty()) {
            return this;
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        if (action != Action.ALL) {
            if (current.contains(Action.ALL)) {
                actions.addAll(Action.CONCRETE);
            } else {
                actions.addAll(current);
            }
            actions.remove(action);
        }
        return with(principalId, actions);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The spec's list form, sorted by principal id, actions in a fixed order. */
    public List<AccessEntry> entries() {
        List<AccessEntry> list = new ArrayList<>(entries.size());
        entries.forEach((id, actions) -> list.add(
                new AccessEntry(id, actions.stream().map(Action::wireName).toList())));
        return list;
    }

    /**
     * The new {@code other_config["vmemperor"]} value: {@code previousJson} with its {@code access} member replaced;
     * other members, which other features may keep there, are preserved.
     */
    public String toJson(String previousJson) {
        ObjectNode root = readRoot(previousJson);
        ObjectNode access = root.putObject("access");
        entries.forEach((id, actions) -> {
            ArrayNode list = access.putArray(id);
            actions.forEach(action -> list.add(action.wireName()));
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private AccessList with(String principalId, Set<Action> actions) {
        SortedMap<String, Set<Action>> copy = new TreeMap<>(entries);
        if (actions.isEmpty()) {
            copy.remove(principalId);
        } else {
            copy.put(principalId, Collections.unmodifiableSet(actions));
        }
        return new AccessList(copy);
    }

    private static void normalise(Set<Action> actions) {
        if (actions.contains(Action.ALL) || actions.containsAll(Action.CONCRETE)) {
            actions.clear();
            actions.add(Action.ALL);
        }
    }

    private static ObjectNode readRoot(String json) {
        if (json == null || json.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node != null && node.isObject()) {
                return ((ObjectNode) node).deepCopy();
            }
        } catch (JsonProcessingException e) {
            // logged without the value: it is pool data, but there is nothing to learn from it in the log
        }
        LOG.warn("Ignoring an unreadable other_config[\"vmemperor\"] value");
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AccessList list && list.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
