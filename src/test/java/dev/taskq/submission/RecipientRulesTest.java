package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RecipientRulesTest {

    private final RecipientRules open = new RecipientRules(List.of(), List.of());

    @ParameterizedTest
    @ValueSource(strings = {"user@[127.0.0.1]", "user@[IPv6:::1]", "user@127.0.0.1", "user@10.1.2.3",
            "user@127.1", "user@10.1", "user@192.168.1", "user@0x7f.1",
            "user@localhost", "user@LOCALHOST", "user@mail.localhost", "user@intranet", "user@example.com."})
    void addressesWithoutAPublicDomainNameAreRefused(String address) {
        assertTrue(open.refusal(address).isPresent(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@example.com", "User.Name+tag@Mail.Example.CO.UK", "x@a.io", "o'neil@example.org"})
    void ordinaryAddressesPass(String address) {
        assertEquals(java.util.Optional.empty(), open.refusal(address), address);
    }

    @Test
    void theDenyListCoversADomainAndItsSubdomains() {
        RecipientRules rules = new RecipientRules(List.of(), List.of("spam.example"));
        assertTrue(rules.refusal("a@spam.example").isPresent());
        assertTrue(rules.refusal("a@mx.SPAM.example").isPresent());
        assertTrue(rules.refusal("a@notspam.example").isEmpty(), "only the domain and its subdomains");
    }

    @Test
    void anAllowListLetsOnlyItsDomainsThrough() {
        RecipientRules rules = new RecipientRules(List.of("example.com", "example.org"), List.of("bad.example.com"));
        assertTrue(rules.refusal("a@example.com").isEmpty());
        assertTrue(rules.refusal("a@dept.example.org").isEmpty());
        assertTrue(rules.refusal("a@example.net").isPresent());
        assertTrue(rules.refusal("a@bad.example.com").isPresent(), "the deny list wins");
    }

    @Test
    void theLimitsCountOneMailboxHoweverItIsWritten() {
        String expected = "ann@example.com";
        for (String written : List.of("ann@example.com", " Ann@Example.COM ", "ANN+news@example.com",
                "ann+a+b@EXAMPLE.com")) {
            assertEquals(expected, RecipientRules.normalised(written), written);
        }
        assertEquals("+ann@example.com", RecipientRules.normalised("+ann@example.com"), "a leading + is no tag");
        assertTrue(!RecipientRules.normalised("bob@example.com").equals(expected));
    }
}
