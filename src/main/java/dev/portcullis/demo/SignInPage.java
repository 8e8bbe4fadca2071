package dev.portcullis.demo;

import java.util.List;

/**
 * The dev issuer's pages for people: the sign-in page (a user picker, one real form button per
 * user, no JavaScript), its error page and the signed-out page. Every value is escaped.
 */
final class SignInPage {
    private SignInPage() {
    }

    /** The picker for a pending sign-in: each button posts {@code request} and {@code user}; Cancel posts {@code cancel}. */
    static Reply picker(String action, String requestHandle, String clientId, List<DemoUser> users) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Sign in to the dev issuer</h1>\n<p>Application <code>").append(Html.escape(clientId))
                .append("</code> asks who you are. Development only: pick a demo user, no password needed.</p>\n")
                .append("<form method=\"post\" action=\"").append(Html.escape(action)).append("\">\n")
                .append("<input type=\"hidden\" name=\"request\" value=\"").append(Html.escape(requestHandle))
                .append("\">\n<table><tr><th>user</th><th>e-mail</th><th>groups</th></tr>\n");
        for (DemoUser u : users) {
            b.append("<tr><td><button type=\"submit\" name=\"user\" id=\"user-").append(Html.escape(u.login()))
                    .append("\" value=\"").append(Html.escape(u.login())).append("\">Sign in as ")
                    .append(Html.escape(u.login())).append("</button></td><td>").append(Html.escape(u.email()))
                    .append("</td><td>").append(Html.escape(String.join(", ", u.groups()))).append("</td></tr>\n");
        }
        b.append("</table>\n<p><button type=\"submit\" name=\"cancel\" value=\"1\" id=\"cancel\">Cancel</button></p>\n")
                .append("</form>");
        return Html.page(200, "Sign in - dev issuer", b.toString());
    }

    /** A sign-in that cannot go back to the application (unknown client, unregistered redirect): said here. */
    static Reply error(int status, String error, String description) {
        return Html.page(status, "Sign-in error - dev issuer", "<h1>Sign-in error</h1>\n<p><code>"
                + Html.escape(error) + "</code>: " + Html.escape(description) + "</p>");
    }

    /** The end-session endpoint's page when there is nowhere to go back to. */
    static Reply signedOut() {
        return Html.page(200, "Signed out - dev issuer",
                "<h1>Signed out</h1>\n<p id=\"signed-out\">You are signed out of the dev issuer.</p>");
    }
}
