package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryTest {
    private final Directory directory = new Directory(DevUsers.demo());

    @Test
    void usersKeepTheirOktaIdsAndGroupsGetStableOnesByName() {
        Directory.Entry bob = directory.user("bob").orElseThrow();

        assertThat(bob.id()).isEqualTo("00ubobdemo0000000002");
        assertThat(directory.user("00ubobdemo0000000002")).contains(bob);
        assertThat(directory.user("BOB@example.com")).contains(bob);
        Directory.Group admins = directory.group("orders-admins", false).orElseThrow();
        assertThat(admins.id()).startsWith("00g").hasSize(20).isEqualTo(OktaIds.group("orders-admins"))
                .isEqualTo(new Directory(DevUsers.demo()).group("orders-admins", false).orElseThrow().id());
        assertThat(directory.group(admins.id(), true)).contains(admins);
        assertThat(directory.group("orders-admins", true)).as("by id only").isEmpty();
        assertThat(directory.groups()).extracting(Directory.Group::name).containsExactlyInAnyOrder(
                "Everyone", "orders-readers", "orders-admins", "suspended", "engineering");
    }

    @Test
    void aUserGivenOnTheCommandLineHasAnOktaIdStableForItsLogin() {
        Directory d = new Directory(DevUsers.of(List.of(UserSpec.parse("ann:finance"))));

        assertThat(d.user("ann").orElseThrow().id()).startsWith("00u").hasSize(20)
                .isEqualTo(UserSpec.parse("ann").uid()).isNotEqualTo(UserSpec.parse("ben").uid());
    }

    @Test
    void membershipChangesShowInTheUsersGroupsAndTheGroupsMembers() {
        Directory.Group admins = directory.group("orders-admins", false).orElseThrow();
        String bob = directory.user("bob").orElseThrow().id();

        assertThat(directory.setMember(bob, admins, false)).isTrue();
        assertThat(directory.setMember(bob, admins, false)).as("already so").isFalse();

        assertThat(directory.groupsOf(bob)).doesNotContain(admins);
        assertThat(directory.user("bob").orElseThrow().user().groups()).containsExactly("Everyone", "orders-readers");
        assertThat(directory.members(admins)).extracting(e -> e.user().login()).containsExactly("mallory");
        assertThat(directory.setMember(bob, admins, true)).isTrue();
        assertThat(directory.user("bob").orElseThrow().user().groups()).contains("orders-admins");
    }

    @Test
    void statusChangesOnlyOnce() {
        String bob = directory.user("bob").orElseThrow().id();

        assertThat(directory.setStatus(bob, Directory.Status.DEPROVISIONED)).isTrue();
        assertThat(directory.setStatus(bob, Directory.Status.DEPROVISIONED)).isFalse();
        assertThat(directory.user("bob").orElseThrow().status()).isEqualTo(Directory.Status.DEPROVISIONED);
    }
}
