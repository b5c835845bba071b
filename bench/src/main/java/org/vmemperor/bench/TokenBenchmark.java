package org.vmemperor.bench;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.vmemperor.common.security.KeyMaterial;
import org.vmemperor.common.security.RevocationList;
import org.vmemperor.common.security.SecurityConfig;
import org.vmemperor.common.security.TokenSigner;
import org.vmemperor.common.security.TokenVerifier;
import org.vmemperor.common.security.VerifiedToken;

/**
 * Verifying the session token of a request: RSA signature and claims every time (cache size 0, as before) against
 * the verified-token cache. Revocation is answered from RevocationList's own cache in both (its database is a stub
 * that knows no revoked token, asked once per TTL).
 */
public class TokenBenchmark extends AbstractBenchmark {

    private TokenVerifier uncached;
    private TokenVerifier cached;
    private String token;

    @Setup
    public void setUp() throws Exception {
        String keyDir = Files.createTempDirectory("vmemperor-bench-keys").toString();
        SecurityConfig withoutCache = config(keyDir, 0);
        SecurityConfig withCache = config(keyDir, 10_000);
        KeyMaterial keys = new KeyMaterial(withCache);
        // epoch 0: the stub database below knows no ended sessions
        token = new TokenSigner(withCache, keys, null).sign(member, 0).token();
        uncached = new TokenVerifier(withoutCache, new KeyMaterial(withoutCache),
                new RevocationList(noRevokedTokens(), withoutCache));
        cached = new TokenVerifier(withCache, keys, new RevocationList(noRevokedTokens(), withCache));
    }

    /** Each request brings its own copy of the token string, as a parsed cookie would. */
    @Benchmark
    public Optional<VerifiedToken> verifyEveryTime() {
        return uncached.verify(new String(token));
    }

    @Benchmark
    public Optional<VerifiedToken> verifyCached() {
        return cached.verify(new String(token));
    }

    /** The keys' defaults, a development key in {@code keyDir}, a long revocation TTL and the given cache size. */
    private static SecurityConfig config(String keyDir, int cacheSize) {
        return (SecurityConfig) Proxy.newProxyInstance(SecurityConfig.class.getClassLoader(),
                new Class<?>[] { SecurityConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "cookieName" -> "vmemperor_session";
                    case "cookieSecure" -> false;
                    case "tokenLifetime" -> Duration.ofHours(12);
                    case "issuer" -> "vmemperor";
                    case "publicKeyLocation", "privateKeyLocation" -> Optional.empty();
                    case "devKeys" -> false;
                    case "keyDirectory" -> Optional.of(keyDir);
                    case "revocationCacheTtl" -> Duration.ofHours(1);
                    case "verifiedTokenCacheSize" -> cacheSize;
                    case "clockSkew" -> Duration.ofSeconds(30);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "SecurityConfig(bench)";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A database whose revoked_token table is empty. */
    private static DataSource noRevokedTokens() {
        // one row: not logged out (false), no session epoch (SQL NULL, read as 0)
        ResultSet empty = stub(ResultSet.class, "next", true);
        PreparedStatement query = stub(PreparedStatement.class, "executeQuery", empty);
        Connection connection = stub(Connection.class, "prepareStatement", query);
        return stub(DataSource.class, "getConnection", connection);
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, String methodName, Object answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            if (method.getName().equals(methodName)) {
                return answer;
            }
            if (method.getReturnType() == boolean.class) {
                return false;
            }
            if (method.getReturnType() == int.class) {
                return 0;
            }
            if (method.getReturnType() == long.class) {
                return 0L;
            }
            return null;
        });
    }
}
