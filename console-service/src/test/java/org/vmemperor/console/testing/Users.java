package org.vmemperor.console.testing;

import static io.restassured.RestAssured.given;

import java.util.List;

import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Signed session tokens for test users, and rights granted as /setaccess would. */
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

    public TokenSigner.SignedToken session(String name) {
        return signer.sign(user(name));
    }

    public String token(String name) {
        return session(name).token();
    }

    public void grant(String vmUuid, String user, Action action) {
        rights.update(ObjectType.VM, vmUuid, list -> list.grant("users/" + user, action));
    }

    public void revokeAll(String vmUuid, String user) {
        rights.update(ObjectType.VM, vmUuid, list -> list.revoke("users/" + user, Action.ALL));
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
