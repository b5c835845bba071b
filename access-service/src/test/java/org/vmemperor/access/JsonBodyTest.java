package org.vmemperor.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.testing.LdapTestResource;
import org.vmemperor.access.testing.Sessions;
import org.vmemperor.access.testing.ThrottleTestConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.testing.PoolTestResource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A JSON body is read whatever the client labels it: no Content-Type at all, or the form type {@code curl -d} sends.
 * java.net.http sends exactly the headers given (rest-assured would add a Content-Type of its own).
 */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
@WithTestResource(LdapTestResource.class)
@WithTestResource(ThrottleTestConfig.class)
class JsonBodyTest {

    private static final String PASSWORD = "a long enough password";

    @TestHTTPResource("/login")
    URI login;
    @Inject
    TokenSigner signer;

    private static HttpResponse<String> post(URI uri, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJsonBodyWithoutContentTypeOrLabelledAsAFormIsRead() throws Exception {
        Sessions.createUser(Sessions.adminToken(signer), "curl-user", PASSWORD);
        String body = "{\"username\": \"curl-user\", \"password\": \"" + PASSWORD + "\"}";

        HttpResponse<String> none = post(login, null, body);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).contains("\"status\":\"success\"");

        HttpResponse<String> curl = post(login, "application/x-www-form-urlencoded", body);
        assertThat(curl.statusCode()).isEqualTo(200);
        assertThat(curl.body()).contains("\"login\":\"curl-user\"");

        // a real form is not JSON: 400 in the contract's shape
        HttpResponse<String> form = post(login, "application/x-www-form-urlencoded",
                "username=curl-user&password=x");
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(form.body()).contains("\"status\":\"bad request\"");

        // another declared type still answers 415, saying what to send
        HttpResponse<String> text = post(login, "text/plain", body);
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("send application/json");
    }
}
