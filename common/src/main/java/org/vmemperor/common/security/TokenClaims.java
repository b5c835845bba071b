package org.vmemperor.common.security;

/** Claim names of the session token, shared by the signer (access-service) and every verifier. */
public final class TokenClaims {

    /** Display name. */
    public static final String NAME = "name";
    /** Login name. */
    public static final String USERNAME = "preferred_username";
    /** Group principal ids ({@code groups/<id>}). */
    public static final String GROUPS = "groups";
    /** Administrator flag. */
    public static final String ADMIN = "admin";
    /**
     * The user's session epoch when the token was signed; a token below the user's current epoch is refused (see
     * {@link RevocationList#endSessionsOf(java.sql.Connection, String)}). Absent (tokens signed before it existed) reads as 0.
     */
    public static final String SESSION_EPOCH = "session_epoch";
    /** The only signature algorithm issued and accepted. */
    public static final String ALGORITHM = "RS256";

    private TokenClaims() {
    }
}
