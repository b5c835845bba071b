package org.vmemperor.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmemperor.access.security.AnonymousIdentityAssociation;
import org.vmemperor.common.testing.DatabaseTestResource;

import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Quarkus Security's current identity: ours (one bean, not one per request) and never anything but anonymous. */
@QuarkusTest
@WithTestResource(DatabaseTestResource.class)
class QuarkusIdentityTest {

    @Test
    void theAssociationQuarkusRestUsesIsOursAndStaysAnonymous() {
        // what Quarkus REST looks up once and hands every request's identity to
        CurrentIdentityAssociation association = Arc.container().select(CurrentIdentityAssociation.class).get();
        assertThat(association).isInstanceOf(AnonymousIdentityAssociation.class);

        association.setIdentity(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("users/someone"))
                .addRole("admin").build());
        assertThat(association.getIdentity().isAnonymous()).isTrue();
        assertThat(association.getIdentity().getRoles()).isEmpty();
        assertThat(association.getDeferredIdentity().await().indefinitely().isAnonymous()).isTrue();
    }
}
