package org.vmemperor.common.security;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * The RSA keys of the session token, which belong to one installation. Configured PEM files win; otherwise the key of
 * {@link SecurityConfig#keyDirectory()} (the standalone's data directory), generated there on the first start; otherwise,
 * in dev and tests only, a key generated in memory for this process. Without any of them the service refuses to start
 * (checked at start-up, not at the first login). Only the private key is stored: the public key is derived from it, so
 * the pair can never be half-written.
 */
@ApplicationScoped
public class KeyMaterial {

    private static final Logger LOG = Logger.getLogger(KeyMaterial.class);
    /** The file of {@link SecurityConfig#keyDirectory()}. */
    public static final String KEY_FILE = "token-signing-key.pem";
    static final String MISSING_KEYS = "No session-token key configured. Set vmemperor.security.public-key-location"
            + " (VMEMPEROR_SECURITY_PUBLIC_KEY_LOCATION) on every service and vmemperor.security.private-key-location"
            + " (VMEMPEROR_SECURITY_PRIVATE_KEY_LOCATION) on access-service (PEM files, see common/SECURITY.md), or"
            + " vmemperor.security.key-directory (VMEMPEROR_SECURITY_KEY_DIRECTORY) to keep a generated key there";

    private final SecurityConfig config;
    private volatile PublicKey publicKey;
    private volatile Optional<PrivateKey> privateKey;

    public KeyMaterial(SecurityConfig config) {
        this.config = config;
    }

    /** A service without keys must fail at start, not on the first request. */
    void onStart(@Observes StartupEvent event) {
        load();
    }

    /** The key every service verifies tokens with. */
    public PublicKey publicKey() {
        load();
        return publicKey;
    }

    /** The signing key; only access-service has one in production. */
    public Optional<PrivateKey> privateKey() {
        load();
        return privateKey;
    }

    private synchronized void load() {
        if (publicKey != null) {
            return;
        }
        try {
            Optional<PrivateKey> configuredPrivate = config.privateKeyLocation().map(KeyMaterial::readPrivate);
            Optional<PublicKey> configuredPublic = config.publicKeyLocation().map(KeyMaterial::readPublic);
            if (configuredPrivate.isPresent() || configuredPublic.isPresent()) {
                privateKey = configuredPrivate;
                publicKey = configuredPublic.orElseGet(() -> derivePublic(configuredPrivate.get()));
                return;
            }
            PrivateKey generated;
            if (config.keyDirectory().isPresent()) {
                generated = installationKey(Path.of(config.keyDirectory().get()).toAbsolutePath());
            } else if (config.devKeys()) {
                generated = generate().getPrivate();
                LOG.info("Signing session tokens with a key generated for this process (dev/test profile): no other"
                        + " process accepts its tokens");
            } else {
                throw new IllegalStateException(MISSING_KEYS);
            }
            privateKey = Optional.of(generated);
            publicKey = derivePublic(generated);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the token keys: " + e.getMessage(), e);
        }
    }

    private static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static PrivateKey installationKey(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            KeyPair pair = generate();
            Path temporary = Files.createTempFile(dir, "key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                // a hard link is created atomically and never replaces an existing file: when two processes race,
                // the first key wins and both read that one back
                Files.createLink(file, temporary);
                LOG.infof("Generated this installation's session-token key in %s (mode 0600; delete it, with the"
                        + " service stopped, to rotate it)", file);
            } catch (FileAlreadyExistsException e) {
                // another process was first: use its key
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
        LOG.infof("Session-token key: %s", file);
        return parsePrivate(Files.readString(file));
    }

    private static PrivateKey readPrivate(String location) {
        return parsePrivateUnchecked(read(location));
    }

    private static PublicKey readPublic(String location) {
        try {
            byte[] der = der(read(location), "PUBLIC KEY");
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA public key: " + location, e);
        }
    }

    private static PrivateKey parsePrivateUnchecked(String pem) {
        try {
            return parsePrivate(pem);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not a PKCS#8 RSA private key", e);
        }
    }

    private static PrivateKey parsePrivate(String pem) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    }

    private static PublicKey derivePublic(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalStateException("the private key must be an RSA (CRT) key to derive its public key");
        }
        try {
            BigInteger modulus = crt.getModulus();
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("no such resource: " + location);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
            return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + location, e);
        }
    }

    private static byte[] der(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
