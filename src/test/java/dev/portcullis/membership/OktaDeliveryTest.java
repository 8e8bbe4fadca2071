package dev.portcullis.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.membership.DirectoryEvent.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OktaDeliveryTest {
    static final String USER = "{\"id\":\"00u1\",\"type\":\"User\",\"alternateId\":\"bob@example.com\"}";
    static final String GROUP = "{\"id\":\"00g1\",\"type\":\"UserGroup\",\"alternateId\":\"unknown\","
            + "\"displayName\":\"orders-admins\"}";

    static String event(String uuid, String type, String published, String... targets) {
        return "{\"uuid\":\"" + uuid + "\",\"published\":\"" + published + "\",\"eventType\":\"" + type
                + "\",\"eventTypeVersion\":\"1.0\",\"outcome\":{\"result\":\"SUCCESS\"},\"target\":["
                + String.join(",", targets) + "]}";
    }

    static String delivery(String... events) {
        return "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\",\"cloudEventsVersion\":\"0.1\","
                + "\"source\":\"https://example.okta.com/api/v1/eventHooks/who1\",\"eventId\":\"d1\","
                + "\"data\":{\"events\":[" + String.join(",", events) + "]}}";
    }

    static OktaDelivery parse(String json) throws OktaDelivery.Malformed {
        return OktaDelivery.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAMembershipRemoval() throws Exception {
        OktaDelivery d = parse(delivery(event("u1", "group.user_membership.remove", "2026-01-01T10:00:00.123Z",
                USER, GROUP)));

        assertThat(d.ignored()).isZero();
        assertThat(d.events()).containsExactly(new DirectoryEvent("u1", Type.MEMBERSHIP_REMOVE,
                Instant.parse("2026-01-01T10:00:00.123Z"), "00u1", "bob@example.com", "00g1", "orders-admins", null));
    }

    @Test
    void countsOtherEventTypesAsIgnored() throws Exception {
        OktaDelivery d = parse(delivery(event("u1", "user.authentication.sso", "2026-01-01T10:00:00Z", USER),
                event("u2", "user.lifecycle.deactivate", "2026-01-01T10:00:01+02:00", USER)));

        assertThat(d.ignored()).isEqualTo(1);
        assertThat(d.events()).extracting(DirectoryEvent::type).containsExactly(Type.USER_DEACTIVATE);
        assertThat(d.events().get(0).published()).isEqualTo(Instant.parse("2026-01-01T08:00:01Z"));
    }

    @Test
    void aRenameCarriesTheGroupsNameAfterTheChange() throws Exception {
        OktaDelivery d = parse(delivery(event("u1", "group.profile.update", "2026-01-01T10:00:00Z", GROUP)));

        assertThat(d.events().get(0).groupName()).isEqualTo("orders-admins");
        assertThat(d.events().get(0).userId()).isNull();
    }

    @Test
    void aSessionEndNamesTheUserAsActorWhenNoTargetDoes() throws Exception {
        String e = "{\"uuid\":\"s1\",\"published\":\"2026-01-01T10:00:00Z\",\"eventType\":\"user.session.end\","
                + "\"actor\":{\"id\":\"00u9\",\"type\":\"User\",\"alternateId\":\"eve@example.com\"},\"target\":[]}";

        assertThat(parse(delivery(e)).events().get(0).userId()).isEqualTo("00u9");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "[]", "{}", "{\"eventType\":\"com.okta.event_hook\"}",
        "{\"eventType\":\"other\",\"data\":{\"events\":[]}}",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":{}}}",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[]}} trailing",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[{\"published\":\"2026-01-01T10:00:00Z\","
                + "\"eventType\":\"user.session.end\"}]}}",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[{\"uuid\":\"x\",\"published\":\"yesterday\","
                + "\"eventType\":\"user.session.end\"}]}}",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[{\"uuid\":\"x\","
                + "\"published\":\"2026-01-01T10:00:00Z\",\"eventType\":\"group.user_membership.add\",\"target\":[]}]}}",
    })
    void refusesWhatIsNotADelivery(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(OktaDelivery.Malformed.class);
    }
}
