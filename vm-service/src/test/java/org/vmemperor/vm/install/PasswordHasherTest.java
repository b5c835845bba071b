package org.vmemperor.vm.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    /** The SHA-512 vectors of Ulrich Drepper's specification (glibc's crypt tests), checked with openssl passwd -6. */
    @Test
    void matchesTheGlibcVectors() {
        assertEquals("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
                PasswordHasher.sha512Crypt("Hello world!", "$6$saltstring"));
        assertEquals("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/"
                + "YTBmSK6H9qs/y3RnOaw5v.",
                PasswordHasher.sha512Crypt("Hello world!", "$6$rounds=10000$saltstringsaltstring"));
        assertEquals("$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/"
                + "e1JSbq3y6JMxxl8audkUEm0",
                PasswordHasher.sha512Crypt("This is just a test", "$6$rounds=5000$toolongsaltstring"));
        assertEquals("$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbt"
                + "EW7o7UmJEiDwGqd8p4ur1",
                PasswordHasher.sha512Crypt("a very much longer text to encrypt.  This one even stretches over more"
                        + "than one line.", "$6$rounds=1400$anotherlongsaltstring"));
    }

    @Test
    void usesAFreshSixteenCharacterSaltEachTime() {
        String first = PasswordHasher.sha512Crypt("s3cret pass");
        String second = PasswordHasher.sha512Crypt("s3cret pass");
        assertTrue(first.matches("^\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}$"), first);
        assertNotEquals(first, second);
        String salt = first.substring(0, first.lastIndexOf('$'));
        assertEquals(first, PasswordHasher.sha512Crypt("s3cret pass", salt), "verifiable with its own salt");
    }
}
