package dev.taskq.admin;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks a user name and password against the server's own realm (Payara's file realm, WildFly's application
 * users) with the portable {@link HttpServletRequest#login}, and whether that user has a role. Used where the
 * container's login-config (HTTP Basic, for the JSON admin API) does not apply: the console's login form and
 * {@code /api/metrics}, whose required role is a setting. The identity is not kept on the request.
 */
public final class RealmLogin {

    /** What a login attempt came to. */
    public enum Outcome { ACCEPTED, WRONG_CREDENTIALS, NOT_IN_ROLE }

    /** Longest user name or password taken, so that no client makes the realm hash a huge input. */
    static final int MAX_LENGTH = 200;

    private RealmLogin() {
    }

    public static Outcome check(HttpServletRequest request, String user, String password, String role) {
        if (user == null || password == null || user.isBlank() || user.length() > MAX_LENGTH
                || password.length() > MAX_LENGTH) {
            return Outcome.WRONG_CREDENTIALS;
        }
        if (user.equals(request.getRemoteUser())) {
            // The container authenticated this very user already: WildFly does so for every request that carries
            // credentials (Undertow's proactive authentication, e.g. from the Authorization header), and then
            // refuses request.login. Only the role is left to check.
            return request.isUserInRole(role) ? Outcome.ACCEPTED : Outcome.NOT_IN_ROLE;
        }
        try {
            request.login(user, password);
        } catch (ServletException e) {
            return Outcome.WRONG_CREDENTIALS;
        }
        try {
            return request.isUserInRole(role) ? Outcome.ACCEPTED : Outcome.NOT_IN_ROLE;
        } finally {
            try {
                request.logout();
            } catch (ServletException e) {
                // Nothing was kept beyond this request anyway.
            }
        }
    }

    /** As {@link #check}, with the credentials of an {@code Authorization: Basic …} header (absent = wrong). */
    public static Outcome checkBasic(HttpServletRequest request, String role) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6) || header.length() > 4 * MAX_LENGTH) {
            return Outcome.WRONG_CREDENTIALS;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Outcome.WRONG_CREDENTIALS;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Outcome.WRONG_CREDENTIALS
                : check(request, decoded.substring(0, colon), decoded.substring(colon + 1), role);
    }
}
