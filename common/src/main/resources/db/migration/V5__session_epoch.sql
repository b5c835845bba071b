-- Ending every session of a user at once (issue 10): deleting a user, removing a user from a group, deleting a group
-- its member's tokens still name. A token carries the epoch its user had when it was signed; a token whose epoch is
-- below the user's row here is refused by every verifier of every replica (checked with the revocation cache of
-- seconds, in the same query as revoked_token). No row means epoch 0. Rows stay: user ids are never reused, and a
-- deleted user's row is what refuses its tokens until they expire.
CREATE TABLE session_epoch (
    user_id         VARCHAR(300) PRIMARY KEY,
    epoch           BIGINT       NOT NULL,
    changed_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
