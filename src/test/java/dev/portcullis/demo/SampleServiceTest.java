package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SampleServiceTest {
    private SampleService service;

    @BeforeEach
    void start() {
        service = SampleService.start("orders", 0);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void echoesIdentityHeadersPathAndQuery() {
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(
                        URI.create(service.baseUrl() + "/orders/42%2Fx?limit=5&q=a%20b"))
                .header("X-Auth-Subject", "alice@example.com")
                .header("X-Auth-Groups", "Everyone,orders-readers")
                .header("X-Auth-Email", "alice@example.com")
                .header("X-Custom", "Mixed-Case-Value")
                .GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode echo = TestHttp.json(response);
        assertThat(echo.path("service").asText()).isEqualTo("orders");
        assertThat(echo.path("method").asText()).isEqualTo("GET");
        assertThat(echo.path("path").asText()).isEqualTo("/orders/42%2Fx?limit=5&q=a%20b");
        assertThat(echo.at("/identity/subject").asText()).isEqualTo("alice@example.com");
        assertThat(echo.at("/identity/groups").asText()).isEqualTo("Everyone,orders-readers");
        assertThat(echo.at("/identity/email").asText()).isEqualTo("alice@example.com");
        assertThat(echo.at("/headers/x-custom").asText()).isEqualTo("Mixed-Case-Value");
        assertThat(echo.at("/headers/x-auth-subject").asText()).isEqualTo("alice@example.com");
        assertThat(echo.path("body_bytes").asLong()).isZero();
    }

    @Test
    void absentIdentityIsNullAndBodyIsCounted() {
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))));

        JsonNode echo = TestHttp.json(response);
        assertThat(echo.path("method").asText()).isEqualTo("POST");
        assertThat(echo.at("/identity/subject").isNull()).isTrue();
        assertThat(echo.at("/identity/groups").isNull()).isTrue();
        assertThat(echo.path("body_bytes").asLong()).isEqualTo(100_000L);
    }

    @Test
    void recordsWhatItReceivedIncludingRepeatedHeaders() {
        TestHttp.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/a?b=c"))
                .header("X-Auth-Subject", "forged@example.com")
                .header("X-Auth-Subject", "alice@example.com")
                .method("DELETE", HttpRequest.BodyPublishers.noBody()));

        assertThat(service.received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("DELETE");
            assertThat(r.path()).isEqualTo("/a?b=c");
            assertThat(r.headerValues("X-Auth-Subject")).containsExactly("forged@example.com", "alice@example.com");
            assertThat(r.header("x-auth-subject")).isEqualTo("forged@example.com, alice@example.com");
            assertThat(r.headers()).containsKey("host");
        });
        service.clearReceived();
        assertThat(service.received()).isEmpty();
    }
}
