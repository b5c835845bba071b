package org.vmemperor.playbook.testing;

import static io.restassured.RestAssured.given;

import java.util.List;

import org.vmemperor.common.access.AccessRightsWriter;
import org.vmemperor.common.access.Action;
import org.vmemperor.common.access.ObjectType;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.UserPrincipal;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Signed tokens for test users and an administrator, and VM rights granted as /setaccess would. */
public final class Callers {

    private final TokenSigner signer;
    private final AccessRightsWriter rights;

    public Callers(TokenSigner signer, AccessRightsWriter rights) {
        this.signer = signer;
        this.rights = rights;
    }

    public String token(String name) {
        return signer.sign(new UserPrincipal("users/" + name, name, name, List.of(), false)).token();
    }

    public String adminToken() {
        return signer.sign(new UserPrincipal("users/xen:root", "root", "root", List.of(), true)).token();
    }

    public void grant(String vmUuid, String user, Action action) {
        rights.update(ObjectType.VM, vmUuid, list -> list.grant("users/" + user, action));
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
