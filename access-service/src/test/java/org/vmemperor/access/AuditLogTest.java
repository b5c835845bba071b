package org.vmemperor.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.db.Database;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.InjectSimulator;
import org.vmemperor.common.testing.PoolTestResource;
import org.vmemperor.simulator.XapiSimulator;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The audit log keeps refusals: the row commits on its own although the request then fails. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class AuditLogTest {

    @Inject
    TokenSigner signer;
    @Inject
    Database database;
    @InjectSimulator
    XapiSimulator simulator;

    /** One audit row, as read back from audit_log. */
    record Entry(String actor, String action, String target, String detail, boolean success) {
    }

    @Test
    void aRefusedSetAccessIsRecordedAlthoughTheRequestFails() {
        String admin = Sessions.adminToken(signer);
        String ursula = Sessions.createUser(admin, "ursula-audit", "ursula-password");
        String vm = simulator.pool().records("VM").values().stream()
                .filter(record -> !Boolean.TRUE.equals(record.get("is_a_template"))
                        && !Boolean.TRUE.equals(record.get("is_control_domain")))
                .map(record -> (String) record.get("uuid")).findFirst().orElseThrow();

        given().auth().oauth2(Sessions.login("ursula-audit", "ursula-password")).contentType(ContentType.JSON)
                .body(Map.of("type", "VM", "uuid", vm, "action", "launch", "user", ursula))
                .post("/setaccess").then().statusCode(403);

        assertThat(entries("users/" + ursula, "setaccess"))
                .containsExactly(new Entry("users/" + ursula, "setaccess", "VM " + vm,
                        "grant launch users/" + ursula, false));
    }

    @Test
    void aFailedLoginIsRecordedWithTheAttemptedName() {
        given().contentType(ContentType.JSON).body(Map.of("username", "nobody-audit", "password", "wrong-password"))
                .post("/login").then().statusCode(401);

        assertThat(entries("nobody-audit", "login"))
                .containsExactly(new Entry("nobody-audit", "login", null, "wrong credentials", false));
    }

    private List<Entry> entries(String actor, String action) {
        return database.call(connection -> Database.list(connection,
                "SELECT actor, action, target, detail, success FROM audit_log WHERE actor = ? AND action = ? ORDER BY id",
                rows -> new Entry(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getBoolean(5)),
                actor, action));
    }
}
