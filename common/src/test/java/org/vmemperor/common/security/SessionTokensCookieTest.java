package org.vmemperor.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The session cookie is read from the raw Cookie header as the JAX-RS cookie map read it, for one name only. */
class SessionTokensCookieTest {

    private static final String NAME = "vmemperor_session";

    @Test
    void findsTheCookieAmongOthers() {
        assertThat(SessionTokens.cookieValue("vmemperor_session=abc", NAME)).isEqualTo("abc");
        assertThat(SessionTokens.cookieValue("theme=dark; vmemperor_session=a.b-c_d; lang=en", NAME))
                .isEqualTo("a.b-c_d");
        assertThat(SessionTokens.cookieValue("  theme=dark ;  vmemperor_session =  abc  ", NAME)).isEqualTo("abc");
        // several Cookie headers, joined by a comma as JAX-RS joins them
        assertThat(SessionTokens.cookieValue("theme=dark,vmemperor_session=abc", NAME)).isEqualTo("abc");
    }

    @Test
    void keepsTheValueWholeAndUnquotesIt() {
        assertThat(SessionTokens.cookieValue("vmemperor_session=ab==; x=1", NAME)).isEqualTo("ab==");
        assertThat(SessionTokens.cookieValue("vmemperor_session=\"abc\"", NAME)).isEqualTo("abc");
    }

    @Test
    void matchesTheWholeNameOnly() {
        assertThat(SessionTokens.cookieValue("xvmemperor_session=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session_old=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_sessio=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("VMEMPEROR_SESSION=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session_old=evil; vmemperor_session=good", NAME))
                .isEqualTo("good");
        assertThat(SessionTokens.cookieValue("other=vmemperor_session=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("other=a vmemperor_session=evil", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("other=vmemperor_session; vmemperor_session=good", NAME))
                .isEqualTo("good");
        assertThat(SessionTokens.cookieValue("vmemperor_session x=evil; vmemperor_session=good", NAME))
                .isEqualTo("good");
    }

    @Test
    void takesTheFirstOfTwo() {
        // a browser sends the cookie of the most specific path first
        assertThat(SessionTokens.cookieValue("vmemperor_session=first; vmemperor_session=second", NAME))
                .isEqualTo("first");
    }

    @Test
    void absentOrEmptyIsNone() {
        assertThat(SessionTokens.cookieValue(null, NAME)).isNull();
        assertThat(SessionTokens.cookieValue("", NAME)).isNull();
        assertThat(SessionTokens.cookieValue(";;, ;", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("theme=dark", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session=", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session=  ; x=1", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session", NAME)).isNull();
        assertThat(SessionTokens.cookieValue("vmemperor_session; x=1", NAME)).isNull();
    }
}
