package org.vmemperor.vm.testing;

import static io.restassured.RestAssured.given;

import java.util.List;

import org.vmemperor.common.access.AccessList;
import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Signed tokens for test users and administrators, and rights granted as /setaccess would. */
public final class Users {

    private final TokenSigner signer;
    private final AccessRightsWriter rights;

    public Users(TokenSigner signer, AccessRightsWriter rights) {
        this.signer = signer;
        this.rights = rights;
    }

    public static UserPrincipal user(String name) {
        return new UserPrincipal("users/" + name, name, name, List.of(), false);
    }

    public String token(String name) {
        return signer.sign(user(name)).token();
    }

    public String adminToken() {
        return signer.sign(new UserPrincipal("users/xen:root", "root", "root", List.of(), true)).token();
    }

    public void grant(ObjectType type, String uuid, String user, Action action) {
        rights.update(type, uuid, list -> list.grant("users/" + user, action));
    }

    public void revokeAll(ObjectType type, String uuid, String user) {
        rights.update(type, uuid, list -> list.revoke("users/" + user, Action.ALL));
    }

    public AccessList rights(ObjectType type, String uuid) {
        return rights.read(type, uuid);
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
