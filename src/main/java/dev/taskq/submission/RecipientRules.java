package dev.taskq.submission;

import dev.taskq.config.Cidr;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which recipient addresses mail may go to, beyond the syntax check of {@link Submission}: no IP literals, no
 * {@code localhost}, no single-label domains, and the operator's optional allow and deny lists of domains (a listed
 * domain covers its subdomains). Also the normalised form an address is counted under by the per-recipient limits.
 */
final class RecipientRules {

    private final List<String> allowed;
    private final List<String> denied;

    RecipientRules(List<String> allowed, List<String> denied) {
        this.allowed = List.copyOf(allowed);
        this.denied = List.copyOf(denied);
    }

    /**
     * Why mail may not go to {@code address} (already syntactically valid), as the key of its words in the i18n
     * bundle, or empty when it may.
     */
    Optional<String> refusal(String address) {
        String domain = domain(address);
        String bare = domain.startsWith("[") && domain.endsWith("]") ? domain.substring(1, domain.length() - 1) : domain;
        // No top-level domain is all digits: "127.1" or "10.1" is an address that some resolvers (inet_aton) read
        // as 127.0.0.1 or 10.0.0.1, whatever shape it has.
        String lastLabel = bare.substring(bare.lastIndexOf('.') + 1);
        if (domain.startsWith("[") || Cidr.literal(bare).isPresent() || bare.startsWith("ipv6:")
                || lastLabel.matches("(0x)?[0-9a-f]+") && lastLabel.chars().anyMatch(Character::isDigit)) {
            return Optional.of("email.ipLiteral");
        }
        if (domain.equals("localhost") || domain.endsWith(".localhost") || domain.endsWith(".")
                || !domain.contains(".")) {
            return Optional.of("email.publicDomain");
        }
        if (matchesAny(domain, denied) || !allowed.isEmpty() && !matchesAny(domain, allowed)) {
            return Optional.of("email.domainRefused");
        }
        return Optional.empty();
    }

    /**
     * The address as the per-recipient limits count it: trimmed, all lower-case, and without a {@code +tag} in the
     * local part. Strictly, a local part may be case-sensitive and {@code +} may be an ordinary character, but
     * nearly every mail system delivers {@code Ann+x@Example.com} to {@code ann@example.com}: counting the
     * variants apart would let anyone multiply the limit by writing one mailbox many ways. Two distinct mailboxes
     * that differ only so share one count, which errs on the side of fewer mails.
     */
    static String normalised(String address) {
        String trimmed = address.trim().toLowerCase(Locale.ROOT);
        int at = trimmed.lastIndexOf('@');
        String local = trimmed.substring(0, Math.max(at, 0));
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        return local + trimmed.substring(Math.max(at, 0));
    }

    private static String domain(String address) {
        String trimmed = address.trim();
        return trimmed.substring(trimmed.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean matchesAny(String domain, List<String> domains) {
        return domains.stream().anyMatch(listed -> domain.equals(listed) || domain.endsWith("." + listed));
    }
}
