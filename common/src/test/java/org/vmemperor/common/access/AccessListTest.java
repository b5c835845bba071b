package org.vmemperor.common.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.security.UserPrincipal;

class AccessListTest {

    private static final UserPrincipal JOHN = new UserPrincipal("users/john", "John", "john",
            List.of("groups/friends"), false);
    private static final UserPrincipal MIKE = new UserPrincipal("users/mike", "Mike", "mike",
            List.of("groups/friends"), false);
    private static final UserPrincipal EVA = new UserPrincipal("users/eva", "Eva", "eva", List.of(), false);
    private static final UserPrincipal ADMIN = new UserPrincipal("users/xen:root", "root", "root", List.of(), true);

    private static Map<String, String> config(String json) {
        return Map.of(AccessRights.OTHER_CONFIG_KEY, json);
    }

    @Test
    void readsTheStoredFormAndChecksUsersAndGroups() {
        Map<String, String> otherConfig = config(
                "{\"access\": {\"users/john\": [\"all\"], \"groups/friends\": [\"launch\"]}}");
        assertThat(AccessRights.check(JOHN, otherConfig, Action.DESTROY)).isTrue();
        assertThat(AccessRights.check(MIKE, otherConfig, Action.LAUNCH)).isTrue();
        assertThat(AccessRights.check(MIKE, otherConfig, Action.ATTACH)).isFalse();
        assertThat(AccessRights.check(EVA, otherConfig, Action.LAUNCH)).isFalse();
        assertThat(AccessRights.canSee(MIKE, otherConfig)).isTrue();
        assertThat(AccessRights.canSee(EVA, otherConfig)).isFalse();
        assertThat(AccessRights.check(ADMIN, Map.of(), Action.ALL)).isTrue();
        assertThat(AccessRights.entries(otherConfig)).containsExactly(
                new AccessEntry("groups/friends", List.of("launch")), new AccessEntry("users/john", List.of("all")));
    }

    @Test
    void requireAnswers403() {
        assertThatThrownBy(() -> AccessRights.require(EVA, Map.of(), Action.LAUNCH))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
    }

    @Test
    void missingOrDamagedValuesGrantNothing() {
        assertThat(AccessList.fromOtherConfig(Map.of()).isEmpty()).isTrue();
        assertThat(AccessList.parse("not json").isEmpty()).isTrue();
        assertThat(AccessList.parse("{\"access\": [1, 2]}").isEmpty()).isTrue();
        assertThat(AccessList.parse("{\"access\": {\"john\": [\"all\"], \"users/x\": [\"fly\", \"launch\"]}}")
                .entries()).containsExactly(new AccessEntry("users/x", List.of("launch")));
    }

    @Test
    void allSubsumesOtherActions() {
        AccessList list = AccessList.empty().grant("users/john", Action.LAUNCH).grant("users/john", Action.ALL);
        assertThat(list.actionsOf("users/john")).containsExactly(Action.ALL);
        assertThat(list.grant("users/john", Action.ATTACH)).isEqualTo(list);
        AccessList threeActions = AccessList.empty().grant("users/eva", Action.LAUNCH)
                .grant("users/eva", Action.ATTACH).grant("users/eva", Action.DESTROY);
        assertThat(threeActions.actionsOf("users/eva")).containsExactly(Action.ALL);
    }

    @Test
    void revokingTheLastActionRemovesTheEntry() {
        AccessList list = AccessList.empty().grant("users/john", Action.LAUNCH).grant("users/john", Action.ATTACH);
        AccessList one = list.revoke("users/john", Action.LAUNCH);
        assertThat(one.actionsOf("users/john")).containsExactly(Action.ATTACH);
        assertThat(one.revoke("users/john", Action.ATTACH).isEmpty()).isTrue();
        assertThat(AccessList.empty().revoke("users/nobody", Action.ALL).isEmpty()).isTrue();
    }

    @Test
    void revokingAllFromAnExplicitAllHolderWorks() {
        AccessList list = AccessList.empty().grant("users/john", Action.ALL).grant("groups/friends", Action.LAUNCH);
        AccessList revoked = list.revoke("users/john", Action.ALL);
        assertThat(revoked.actionsOf("users/john")).isEmpty();
        assertThat(revoked.actionsOf("groups/friends")).containsExactly(Action.LAUNCH);
    }

    @Test
    void revokingOneActionFromAllLeavesTheOthers() {
        AccessList list = AccessList.empty().grant("users/john", Action.ALL).revoke("users/john", Action.DESTROY);
        assertThat(list.actionsOf("users/john")).containsExactly(Action.LAUNCH, Action.ATTACH);
    }

    @Test
    void revokingAllFromAConcreteHolderRemovesEverything() {
        AccessList list = AccessList.empty().grant("users/mike", Action.LAUNCH).revoke("users/mike", Action.ALL);
        assertThat(list.isEmpty()).isTrue();
    }

    @Test
    void serialisationKeepsOtherMembersAndRoundTrips() {
        String previous = "{\"quota\": 3, \"access\": {\"users/old\": [\"launch\"]}}";
        String json = AccessRights.grant(previous, "groups/friends", Action.ATTACH);
        assertThat(json).contains("\"quota\":3").contains("\"groups/friends\":[\"attach\"]")
                .contains("\"users/old\":[\"launch\"]");
        String revoked = AccessRights.revoke(json, "users/old", Action.LAUNCH);
        assertThat(AccessList.parse(revoked).entries())
                .containsExactly(new AccessEntry("groups/friends", List.of("attach")));
        assertThat(AccessRights.grant(null, "users/a", Action.LAUNCH))
                .isEqualTo("{\"access\":{\"users/a\":[\"launch\"]}}");
    }

    @Test
    void creatorGetsAll() {
        String json = AccessRights.creatorGrant(null, JOHN);
        assertThat(AccessRights.check(JOHN, config(json), Action.DESTROY)).isTrue();
    }

    @Test
    void rejectsUnknownTypesActionsAndPrincipalIds() {
        assertThat(ObjectType.parse("Network")).isEqualTo(ObjectType.NETWORK);
        assertThat(Action.parse("attach")).isEqualTo(Action.ATTACH);
        assertThatThrownBy(() -> ObjectType.parse("SR")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Action.parse("fly")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> AccessRights.grant(null, "john", Action.ALL)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> AccessRights.grant(null, "users/", Action.ALL)).isInstanceOf(ApiException.class);
    }
}
