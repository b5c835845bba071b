package org.vmemperor.access.security;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Quarkus Security's "current identity" for this service and the standalone: always anonymous, held by one bean.
 * <p>
 * Requests are authenticated by common's {@code AuthenticationFilter} from the session token, never through Quarkus
 * Security: no HTTP authentication mechanism is enabled ({@code quarkus.http.auth.basic=false}, no form, no mTLS), so
 * the identity Quarkus associates with a request is the anonymous one, and nothing reads it (no {@code @RolesAllowed},
 * no injected {@code SecurityIdentity}). The extension is here only for the login's identity providers and the LDAP
 * realm, which return their identity to the caller and do not associate it with anything.
 * <p>
 * Quarkus' own association is a request-scoped bean that Quarkus REST creates for every request to hand it that
 * anonymous identity (in the standalone, websockets-next's, which also reads a configuration value on each creation):
 * ~12% of a request in a JFR profile of a constant route (bench/profile.sh). This one is created once and answers
 * anonymous whatever it is given, so anything that ever relied on a Quarkus identity would be refused, never let in.
 */
@Singleton
@Alternative
@Priority(1)
@Unremovable
public class AnonymousIdentityAssociation implements CurrentIdentityAssociation {

    private static final SecurityIdentity ANONYMOUS = QuarkusSecurityIdentity.builder().setAnonymous(true).build();
    private static final Uni<SecurityIdentity> DEFERRED_ANONYMOUS = Uni.createFrom().item(ANONYMOUS);

    @Override
    public void setIdentity(SecurityIdentity identity) {
        // anonymous whatever is set: see the class comment
    }

    @Override
    public void setIdentity(Uni<SecurityIdentity> identity) {
        // Quarkus REST hands over the request's deferred (anonymous) identity here on every request; never resolved
    }

    @Override
    public SecurityIdentity getIdentity() {
        return ANONYMOUS;
    }

    @Override
    public Uni<SecurityIdentity> getDeferredIdentity() {
        return DEFERRED_ANONYMOUS;
    }
}
