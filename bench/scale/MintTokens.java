import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Mints RS256 access tokens for bench/scale/scale.sh, with a key of its own whose public half it
 * writes as a static JWKS (served by nginx). Runs as a single-file program against the proxy
 * jar's classpath (Nimbus):
 *
 * <pre>java -cp portcullis.jar bench/scale/MintTokens.java DIR ISSUER AUDIENCE LIFETIME_HOURS NAME:COUNT:GROUPS...</pre>
 *
 * Writes DIR/key.jwk (private, reused while present), DIR/jwks.json, and one token per line to
 * DIR/NAME.tokens. Each token has {@code GROUPS} groups: {@code GROUPS - 1} fillers, then
 * {@code orders-readers}, which the benchmark routes allow. A token file is kept (not re-minted)
 * while its NAME.meta says it was made with the same key, count and groups, and less than half
 * its lifetime ago: RSA-2048 signing costs about a millisecond per token.
 */
public final class MintTokens {
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: MintTokens DIR ISSUER AUDIENCE LIFETIME_HOURS NAME:COUNT:GROUPS...");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String issuer = args[1];
        String audience = args[2];
        long lifetimeSeconds = Long.parseLong(args[3]) * 3600;
        Files.createDirectories(dir);
        RSAKey key = key(dir);
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString(), StandardCharsets.UTF_8);
        for (int a = 4; a < args.length; a++) {
            String[] spec = args[a].split(":");
            String name = spec[0];
            int count = Integer.parseInt(spec[1]);
            int groups = Integer.parseInt(spec[2]);
            Path file = dir.resolve(name + ".tokens");
            Path meta = dir.resolve(name + ".meta");
            long now = Instant.now().getEpochSecond();
            if (fresh(meta, file, key.getKeyID(), count, groups, issuer, now, lifetimeSeconds)) {
                System.err.printf("%s: %d tokens with %d groups (kept)%n", name, count, groups);
                continue;
            }
            long t0 = System.nanoTime();
            RSASSASigner signer = new RSASSASigner(key); // thread-safe: a new Signature per call
            List<String> group = groups(groups);
            String[] tokens = new String[count];
            IntStream.range(0, count).parallel().forEach(i -> tokens[i] = mint(signer, key.getKeyID(), issuer,
                    audience, name + "-user" + i, group, now, lifetimeSeconds));
            Files.write(file, List.of(tokens), StandardCharsets.US_ASCII);
            Files.writeString(meta, key.getKeyID() + " " + count + " " + groups + " " + now + " " + issuer + "\n");
            System.err.printf("%s: %d tokens with %d groups minted in %.1f s%n", name, count, groups,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static RSAKey key(Path dir) throws Exception {
        Path file = dir.resolve("key.jwk");
        if (Files.exists(file)) {
            return RSAKey.parse(Files.readString(file));
        }
        RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyID("scale-" + UUID.randomUUID()).generate();
        Files.writeString(file, key.toJSONString());
        return key;
    }

    private static boolean fresh(Path meta, Path file, String kid, int count, int groups, String issuer, long now,
            long lifetime) throws Exception {
        if (!Files.exists(meta) || !Files.exists(file)) {
            return false;
        }
        String[] m = Files.readString(meta).trim().split(" ");
        return m.length == 5 && m[0].equals(kid) && Integer.parseInt(m[1]) == count
                && Integer.parseInt(m[2]) == groups && m[4].equals(issuer) && now - Long.parseLong(m[3]) < lifetime / 2;
    }

    private static List<String> groups(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count - 1; i++) {
            out.add("directory-group-" + i);
        }
        out.add("orders-readers");
        return List.copyOf(out);
    }

    private static String mint(RSASSASigner signer, String kid, String issuer, String audience, String subject,
            List<String> groups, long now, long lifetime) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .issueTime(new Date(now * 1000))
                .expirationTime(new Date((now + lifetime) * 1000))
                .jwtID(UUID.randomUUID().toString())
                .claim("cid", "0oa-scale-bench")
                .claim("scp", List.of("openid", "profile", "email"))
                .claim("email", subject + "@example.com")
                .claim("groups", groups)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
                .build(), claims);
        try {
            jwt.sign(signer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
