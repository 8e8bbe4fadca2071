package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyRotationTest {
    private DevIssuer issuer;

    @BeforeEach
    void start() {
        issuer = DevIssuer.start(0);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    @Test
    void rotationPublishesNewKeyAlongsideOldAndSignsWithIt() throws Exception {
        String oldKid = issuer.currentKeyId();
        String before = issuer.mint("alice");

        issuer.rotateKey();

        String newKid = issuer.currentKeyId();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(publishedKids()).containsExactly(oldKid, newKid);
        String after = issuer.mint("alice");
        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        JWKSet keys = JWKSet.parse(TestHttp.get(issuer.jwksUri()).body());
        assertThat(DevIssuerTest.verify(before, keys).getSubject()).isEqualTo("alice@example.com");
        assertThat(DevIssuerTest.verify(after, keys).getSubject()).isEqualTo("alice@example.com");
    }

    @Test
    void droppingOldKeysUnpublishesThemSoOldTokensFail() throws Exception {
        String before = issuer.mint("alice");
        issuer.rotateKey();
        issuer.rotateKey();
        assertThat(publishedKids()).hasSize(3);

        issuer.dropOldKeys();

        assertThat(publishedKids()).containsExactly(issuer.currentKeyId());
        JWKSet keys = JWKSet.parse(TestHttp.get(issuer.jwksUri()).body());
        assertThatThrownBy(() -> DevIssuerTest.verify(before, keys)).isInstanceOf(BadJOSEException.class);
        assertThat(DevIssuerTest.verify(issuer.mint("alice"), keys).getSubject()).isEqualTo("alice@example.com");
    }

    private List<String> publishedKids() {
        List<String> kids = new ArrayList<>();
        for (JsonNode key : TestHttp.json(TestHttp.get(issuer.jwksUri())).path("keys")) {
            kids.add(key.path("kid").asText());
        }
        return kids;
    }
}
