package dev.portcullis.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import dev.portcullis.vocab.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

/**
 * The compact JWS of one identity assertion, written directly: the claims as JSON by Jackson, the
 * header encoded once per signing key, and the signature by the key's Nimbus {@code JWSSigner} over
 * the standard signing input ({@code BASE64URL(header) '.' BASE64URL(payload)}, RFC 7515 §5.1).
 * The same JWS Nimbus's {@code SignedJWT} makes, without its per-assertion detour: the header
 * serialized, encoded and parsed back, and the claims copied into a map before they are written
 * (together about as much CPU as the ES256 signature itself, in a profile of new tokens).
 */
final class AssertionJws {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /** The current signing key's header, and its encoded form; replaced when the key is. */
    private record Header(AssertionKeys.Current key, JWSHeader header, byte[] encoded) {
    }

    private volatile Header header;

    /** The claims an assertion says (see {@link IdentityAssertions}); {@code exp} and {@code iat} in seconds. */
    String sign(AssertionKeys.Current signing, String issuer, String audience, Identity who, long iatSeconds,
            long expSeconds) throws JOSEException {
        Header h = headerFor(signing);
        byte[] payload = B64URL.encode(payload(issuer, audience, who, iatSeconds, expSeconds));
        byte[] input = new byte[h.encoded().length + 1 + payload.length];
        System.arraycopy(h.encoded(), 0, input, 0, h.encoded().length);
        input[h.encoded().length] = '.';
        System.arraycopy(payload, 0, input, h.encoded().length + 1, payload.length);
        String signature = signing.signer().sign(h.header(), input).toString();
        return new String(input, StandardCharsets.US_ASCII) + '.' + signature;
    }

    private Header headerFor(AssertionKeys.Current signing) {
        Header h = header;
        if (h == null || h.key() != signing) {
            JWSHeader jws = new JWSHeader.Builder(signing.algorithm()).keyID(signing.key().getKeyID())
                    .type(JOSEObjectType.JWT).build();
            h = new Header(signing, jws, jws.toBase64URL().toString().getBytes(StandardCharsets.US_ASCII));
            header = h;
        }
        return h;
    }

    private static byte[] payload(String issuer, String audience, Identity who, long iat, long exp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (issuer != null) {
                g.writeStringField("iss", issuer);
            }
            g.writeStringField("aud", audience);
            if (who.subject() != null) {
                g.writeStringField("sub", who.subject());
            }
            g.writeNumberField("iat", iat);
            g.writeNumberField("exp", exp);
            array(g, "groups", who.groups());
            g.writeStringField("idp", who.issuerId());
            if (!who.scopes().isEmpty()) {
                array(g, "scp", who.scopes());
            }
            if (who.email() != null) {
                g.writeStringField("email", who.email());
            }
            if (who.tokenId() != null) {
                g.writeStringField("jti", who.tokenId());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void array(JsonGenerator g, String name, Collection<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
