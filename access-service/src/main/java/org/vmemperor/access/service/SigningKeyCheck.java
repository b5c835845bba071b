package org.vmemperor.access.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.vmemperor.common.security.KeyMaterial;

import io.quarkus.runtime.StartupEvent;

/**
 * access-service signs every session token: configured with a public key only, it would start and then fail every
 * login. It refuses to start instead, naming the key to set.
 */
@ApplicationScoped
class SigningKeyCheck {

    void onStart(@Observes StartupEvent event, KeyMaterial keys) {
        if (keys.privateKey().isEmpty()) {
            throw new IllegalStateException("access-service signs session tokens: set"
                    + " vmemperor.security.private-key-location (VMEMPEROR_SECURITY_PRIVATE_KEY_LOCATION) to the"
                    + " PEM file of the private key whose public key the other services verify with");
        }
    }
}
