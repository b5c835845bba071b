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

import org.jboss.logging.Logger;

/**
 * The RSA keys of the session token. Configured PEM files win; otherwise (development, tests, the standalone) one key
 * is generated on first use into {@link SecurityConfig#devKeyDir()} and shared by every process on the machine, so
 * separately started services still agree on it. Only the private key is stored: the public key is derived from it,
 * so the pair can never be half-written.
 */
@ApplicationScoped
public class KeyMaterial {

    private static final Logger LOG = Logger.getLogger(KeyMaterial.class);
    static final String DEV_KEY_FILE = "dev-signing-key.pem";

    private final SecurityConfig config;
    private volatile PublicKey publicKey;
    private volatile Optional<PrivateKey> privateKey;

    public KeyMaterial(SecurityConfig config) {
        this.config = config;
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
            if (!config.devKeys()) {
                throw new IllegalStateException("no token key configured: set vmemperor.security.public-key-location"
                        + " (and private-key-location for access-service), or allow vmemperor.security.dev-keys");
            }
            PrivateKey dev = devKey(Path.of(config.devKeyDir()));
            privateKey = Optional.of(dev);
            publicKey = derivePublic(dev);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the token keys: " + e.getMessage(), e);
        }
    }

    private static PrivateKey devKey(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(DEV_KEY_FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path temporary = Files.createTempFile(dir, "key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                // a hard link is created atomically and never replaces an existing file: when two processes race,
                // the first key wins and both read that one back
                Files.createLink(file, temporary);
                LOG.warnf("Generated a development token key in %s; configure vmemperor.security.*-key-location"
                        + " for production", file);
            } catch (FileAlreadyExistsException e) {
                // another process was first: use its key
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
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
