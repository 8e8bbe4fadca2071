package dev.portcullis.decide;

import dev.portcullis.config.ServerConfig;
import dev.portcullis.decide.RequestFacts.Version;
import dev.portcullis.vocab.Reason;

/** The decision's <b>checkHead</b> step: what the head itself makes unusable (moved out of {@link Decider}). */
final class HeadCheck {
    private HeadCheck() {
    }

    /** The head's own refusals, all closing: what follows such a head cannot be trusted. */
    static Reason check(RequestFacts facts, ServerConfig limits) {
        switch (facts.failure()) {
            case LINE_TOO_LONG:
                return Reason.URI_TOO_LONG;
            case HEADERS_TOO_LARGE:
                return Reason.HEADERS_TOO_LARGE;
            case MALFORMED:
                return Reason.BAD_REQUEST;
            default:
                break;
        }
        if (facts.version() == Version.OTHER || !plainMethod(facts.method()) || !facts.plainTransferCoding()) {
            return Reason.BAD_REQUEST;
        }
        if (facts.headerCount() > limits.maxHeaderCount()) {
            return Reason.HEADERS_TOO_LARGE;
        }
        int hosts = facts.hosts().size();
        if (hosts > 1 || (hosts == 0 && facts.version() == Version.HTTP_1_1)) {
            return Reason.BAD_REQUEST;
        }
        return null;
    }

    /**
     * Methods are case-sensitive (RFC 9110 §9.1), but many servers upper-case them: {@code delete}
     * would slip past a deny rule on {@code DELETE} and then be served as one. Only upper-case
     * letters (and {@code -}, {@code _}) are accepted.
     */
    static boolean plainMethod(String method) {
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
                return false;
            }
        }
        return !method.isEmpty();
    }

}
