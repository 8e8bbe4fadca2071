package dev.portcullis.fuzz;

import dev.portcullis.authn.TokenAuthenticator;
import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.route.RoutePolicy;
import dev.portcullis.decide.Verdict;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.route.PathNormalizer;
import dev.portcullis.config.PathPattern;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.route.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What must hold for every request-target, whatever bytes it is made of: the properties the
 * route fuzz test and the hand-picked cases check. The proxy's judgement comes from its own
 * decision core ({@link Decider#decide}, as {@code FrontendHandler} calls it): an absolute-form
 * target is sent with its authority as the Host, the target is normalized once, and the
 * normalized path is both routed and forwarded.
 *
 * <p>The table is fixed: a protected {@code /admin/**}, a protected {@code /api/*}{@code /internal},
 * a protected exact {@code /v1/orders:batchDelete} (a literal with a sub-delimiter) and a public
 * catch-all {@code /**}. The catch-all is what makes a bypass possible at all: any path that
 * escapes the protected patterns is still served, without a token.
 *
 * <p>The gate and the service must route on one string: the path forwarded upstream, decoded once
 * per segment as a service decodes it, must match the same route as the path the gate judged.
 */
final class RoutingInvariants {
    static final String ADMIN = "admin";
    static final String INTERNAL = "internal";
    static final String PUBLIC = "public";
    static final String BATCH = "batch";
    private static final String BATCH_PATH = "/v1/orders:batchDelete";

    /** A test route: just its policy half, as the core reads it. */
    private record R(String id, PathPattern pattern, RoutePolicy compiled) {
        R(String id, PathPattern pattern) {
            this(id, pattern, new RoutePolicy(id, null, pattern, id.equals(PUBLIC) ? AccessPolicy.publicRoute()
                    : AccessPolicy.compile(List.of(), List.of()), null, false, 0, 0, false));
        }
    }

    /** The core over this table: public and protected routes, default method-override handling. */
    private static final Decider<R> CORE = new Decider<>(R::compiled);

    /** The requests carry no token: no verdict here gets as far as authenticating one. */
    private static final TokenAuthenticator NO_TOKENS = (token, accepted, mayWait) -> {
        throw new AssertionError("a request without a token was authenticated");
    };

    private static final RouteTable<R> TABLE = RouteTable.build(List.of(
            new R(PUBLIC, PathPattern.parse("/**")),
            new R(ADMIN, PathPattern.parse("/admin/**")),
            new R(INTERNAL, PathPattern.parse("/api/*/internal")),
            new R(BATCH, PathPattern.parse(BATCH_PATH))), r -> null, R::pattern);

    private RoutingInvariants() {
    }

    /** The id of the route a normalized path goes to, or null. */
    static String route(String path) {
        R r = TABLE.match(null, path);
        return r == null ? null : r.id();
    }

    /**
     * The decision core's verdict on a GET of this request-target without a token: an absolute-form
     * target with its authority as the Host (as a client sends it), an origin-form one over HTTP/1.0
     * without a Host.
     */
    private static Verdict<R> judge(String requestTarget) {
        String[] absolute = PathNormalizer.splitAbsoluteForm(requestTarget);
        RequestFacts facts = RequestFacts.of("GET", requestTarget, absolute == null ? null : absolute[0], List.of());
        return CORE.decide(facts, TABLE, ServerConfig.defaults(), NO_TOKENS, BlockList.NONE);
    }

    /** The id of the route the proxy judges a request-target by, or null when it refuses the target before routing. */
    static String judgedRoute(String requestTarget) {
        Verdict<R> v = judge(requestTarget);
        return v.route() == null ? null : v.route().id();
    }

    /** Checks every invariant for one request-target as a client could send it; throws AssertionError on a violation. */
    static void check(String requestTarget) {
        String target = originForm(requestTarget);
        Verdict<R> verdict = judge(requestTarget);
        RequestTarget t = verdict.target();
        String routed = verdict.route() == null ? null : verdict.route().id();

        // However some server behind the proxy would read the raw target, if that reading is
        // under /admin the proxy must have judged the request as admin, or refused it.
        for (String reading : Readings.of(rawPath(target))) {
            if (underAdmin(reading)) {
                require(t == null || ADMIN.equals(routed), () -> "'" + requestTarget + "' reads as '" + reading
                        + "' but is forwarded as '" + t.path() + "' on route " + routed);
            }
            if (isBatch(reading)) {
                require(t == null || BATCH.equals(routed), () -> "'" + requestTarget + "' reads as '" + reading
                        + "' but is forwarded as '" + t.path() + "' on route " + routed);
            }
        }
        if (t == null) {
            return;
        }
        String p = t.path();
        checkShape(requestTarget, p);

        RequestTarget again = PathNormalizer.normalize(p);
        require(again != null && again.path().equals(p) && again.query() == null,
                () -> "not idempotent: '" + requestTarget + "' -> '" + p + "' -> " + again);
        RequestTarget forwarded = PathNormalizer.normalize(t.toUri());
        require(t.equals(forwarded), () -> "the forwarded target '" + t.toUri() + "' normalizes to " + forwarded);

        require(routed != null, () -> "no route for '" + p + "' despite the catch-all");
        require(underAdmin(p) == ADMIN.equals(routed),
                () -> "'" + requestTarget + "' -> '" + p + "' is routed to " + routed);
        require(isInternal(p) == INTERNAL.equals(routed),
                () -> "'" + requestTarget + "' -> '" + p + "' is routed to " + routed);
        require(isBatch(p) == BATCH.equals(routed),
                () -> "'" + requestTarget + "' -> '" + p + "' is routed to " + routed);
        // The service decodes the forwarded path once, per segment, and routes on that: with the
        // same patterns it must pick the same route.
        String decoded = decodedPerSegment(p);
        String serviceRoute = route(decoded);
        require(routed.equals(serviceRoute), () -> "'" + requestTarget + "' is forwarded as '" + p
                + "' on route " + routed + ", but the service reads '" + decoded + "' and routes it to " + serviceRoute);
        // What the upstream receives, read by it once more: still judged as what it is.
        for (String reading : Readings.of(p)) {
            if (underAdmin(reading)) {
                require(ADMIN.equals(routed), () -> "the upstream reads '" + p + "' as '" + reading
                        + "' but the proxy routed it to " + routed);
            }
        }
    }

    /** The normal form: the characters and escapes a forwarded path may hold. */
    private static void checkShape(String requestTarget, String p) {
        Supplier<String> where = () -> "'" + requestTarget + "' -> '" + p + "'";
        require(p.startsWith("/"), where);
        require(!p.contains("//"), where);
        for (String segment : p.substring(1).split("/", -1)) {
            require(!segment.equals(".") && !segment.equals(".."), () -> where.get() + ": dot segment");
        }
        String upper = p.toUpperCase(Locale.ROOT);
        require(!upper.contains("%2F") && !upper.contains("%5C"), () -> where.get() + ": encoded separator");
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            int at = i;
            require(c > 0x20 && c < 0x7F, () -> where.get() + ": control or non-ASCII at " + at);
            require(c != '\\' && c != ';' && c != '?' && c != '#', () -> where.get() + ": '" + c + "' at " + at);
            if (c == '%') {
                require(i + 2 < p.length() && upperHex(p.charAt(i + 1)) >= 0 && upperHex(p.charAt(i + 2)) >= 0,
                        () -> where.get() + ": escape not two upper-case hex digits at " + at);
                char decoded = (char) (upperHex(p.charAt(i + 1)) * 16 + upperHex(p.charAt(i + 2)));
                require(decoded >= 0x20 && decoded != 0x7F, () -> where.get() + ": encoded control byte at " + at);
                require(!PathNormalizer.isPlainPathChar(decoded),
                        () -> where.get() + ": a character a pattern may name left encoded at " + at);
                i += 2;
            } else {
                require(c == '/' || PathNormalizer.isPlainPathChar(c), () -> where.get() + ": '" + c + "' at " + at);
            }
        }
    }

    static boolean underAdmin(String path) {
        return path.equals("/admin") || path.startsWith("/admin/");
    }

    /** {@code /api/x/internal}, also with a trailing slash: exact and * patterns cover it. */
    private static boolean isInternal(String path) {
        String[] s = withoutTrailingSlash(path).split("/", -1);
        return s.length == 4 && s[0].isEmpty() && s[1].equals("api") && !s[2].isEmpty() && s[3].equals("internal");
    }

    static boolean isBatch(String path) {
        return withoutTrailingSlash(path).equals(BATCH_PATH);
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The path as a service reads it before routing: each segment percent-decoded once. */
    static String decodedPerSegment(String path) {
        String[] segments = path.split("/", -1);
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(Readings.decodeOnce(segments[i]));
        }
        return sb.toString();
    }

    /** The origin-form rest of an absolute-form target: what servers behind the proxy read the path of. */
    private static String originForm(String target) {
        String[] absolute = PathNormalizer.splitAbsoluteForm(target);
        return absolute == null ? target : absolute[1];
    }

    private static String rawPath(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private static int upperHex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    static void require(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new AssertionError(message.get());
        }
    }

    /**
     * Lenient readings of a raw path, one per family of servers: decode every escape once
     * (Express, Go's {@code net/http}, most frameworks), also read {@code \} as {@code /}
     * (IIS, some Node servers), strip {@code ;} parameters before decoding (Tomcat, Jetty); each
     * then merges slashes and removes dot segments, clamping {@code ..} at the root as browsers
     * and most servers do. Malformed escapes are kept as they are.
     */
    static final class Readings {
        private Readings() {
        }

        static List<String> of(String rawPath) {
            String cut = cutFragment(rawPath);
            List<String> out = new ArrayList<>(3);
            String decoded = decodeOnce(cut);
            out.add(clean(decoded));
            out.add(clean(decoded.replace('\\', '/')));
            out.add(clean(decodeOnce(stripParameters(cut))));
            return out;
        }

        private static String cutFragment(String path) {
            int hash = path.indexOf('#');
            return hash < 0 ? path : path.substring(0, hash);
        }

        static String decodeOnce(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (c == '%' && hi >= 0 && lo >= 0 && s.charAt(i + 1) < 0x80 && s.charAt(i + 2) < 0x80) {
                    sb.append((char) (hi * 16 + lo));
                    i += 2;
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private static String stripParameters(String path) {
            StringBuilder sb = new StringBuilder(path.length());
            boolean inParameter = false;
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c == '/') {
                    inParameter = false;
                } else if (c == ';') {
                    inParameter = true;
                }
                if (!inParameter) {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private static String clean(String path) {
            List<String> stack = new ArrayList<>();
            String[] parts = path.split("/", -1);
            boolean trailing = false;
            for (int i = 0; i < parts.length; i++) {
                String s = parts[i];
                boolean last = i == parts.length - 1;
                if (s.isEmpty() || s.equals(".")) {
                    trailing = last && i > 0;
                } else if (s.equals("..")) {
                    if (!stack.isEmpty()) {
                        stack.remove(stack.size() - 1);
                    }
                    trailing = last;
                } else {
                    stack.add(s);
                    trailing = false;
                }
            }
            String joined = "/" + String.join("/", stack);
            return trailing && !stack.isEmpty() ? joined + "/" : joined;
        }
    }
}
