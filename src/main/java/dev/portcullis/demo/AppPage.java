package dev.portcullis.demo;

import java.util.Map;

/**
 * The demo's browser app: a page that shows who is signed in, from the identity headers the proxy
 * sent ({@code X-Auth-Subject}, {@code X-Auth-Email}, {@code X-Auth-Groups}), every header the
 * service received (so one can see that no session cookie and no token arrive), and a "Sign out"
 * form posting to the proxy's {@code /.portcullis/sign_out}. Every value is escaped.
 */
final class AppPage {
    /** The proxy's sign-out endpoint, on the page's own origin. */
    static final String SIGN_OUT = "/.portcullis/sign_out";

    private AppPage() {
    }

    static Reply render(String service, ReceivedRequest request) {
        String subject = request.header("X-Auth-Subject");
        StringBuilder b = new StringBuilder();
        b.append("<h1>").append(Html.escape(service)).append(": the demo's browser app</h1>\n");
        if (subject == null) {
            b.append("<p id=\"who\">Nobody is signed in: no identity headers arrived.</p>\n");
        } else {
            b.append("<p>Signed in as <strong id=\"who\">").append(Html.escape(subject)).append("</strong></p>\n")
                    .append("<table><tr><th>e-mail</th><td id=\"email\">")
                    .append(Html.escape(request.header("X-Auth-Email"))).append("</td></tr>\n<tr><th>groups</th>")
                    .append("<td id=\"groups\">").append(Html.escape(request.header("X-Auth-Groups")))
                    .append("</td></tr></table>\n")
                    .append("<form method=\"post\" action=\"").append(SIGN_OUT).append("\">")
                    .append("<p><button type=\"submit\" id=\"sign-out\">Sign out</button></p></form>\n");
        }
        String cookie = request.header("Cookie");
        b.append("<p id=\"cookie\">Cookie header received: ")
                .append(cookie == null ? "<em>none</em> (the session cookie stays at the proxy)"
                        : "<code>" + Html.escape(cookie) + "</code>")
                .append("</p>\n<h2>What this service received</h2>\n<p><code>").append(Html.escape(request.method()))
                .append(' ').append(Html.escape(request.path())).append("</code></p>\n<table id=\"headers\">")
                .append("<tr><th>header</th><th>value</th></tr>\n");
        for (Map.Entry<String, ?> h : request.headers().entrySet()) {
            b.append("<tr><td>").append(Html.escape(h.getKey())).append("</td><td>")
                    .append(Html.escape(request.header(h.getKey()))).append("</td></tr>\n");
        }
        b.append("</table>");
        return Html.page(200, service + " - Portcullis demo", b.toString());
    }
}
