package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which archive a training run writes the key of: its class list's, else the one written at exit. */
class CdsTrainCommandTest {
    @Test
    void theClassListNamesTheArchive() {
        assertThat(CdsTrainCommand.archiveOf("/opt/p/lib/portcullis.jsa.classlist", "")).isEqualTo("/opt/p/lib/portcullis.jsa");
        assertThat(CdsTrainCommand.archiveOf("/opt/p/lib/portcullis.jsa.classlist", "/x.jsa"))
                .as("the class list wins").isEqualTo("/opt/p/lib/portcullis.jsa");
    }

    @Test
    void withoutAClassListTheArchiveWrittenAtExit() {
        assertThat(CdsTrainCommand.archiveOf("", "/opt/p/lib/portcullis.jsa")).isEqualTo("/opt/p/lib/portcullis.jsa");
        assertThat(CdsTrainCommand.archiveOf(null, "/opt/p/lib/portcullis.jsa")).isEqualTo("/opt/p/lib/portcullis.jsa");
    }

    @Test
    void aListNotNamedForAnArchiveOrNothingMakesNoKey() {
        assertThat(CdsTrainCommand.archiveOf("/tmp/classes.txt", "")).isNull();
        assertThat(CdsTrainCommand.archiveOf(".classlist", "")).isNull();
        assertThat(CdsTrainCommand.archiveOf("", "")).isNull();
        assertThat(CdsTrainCommand.archiveOf(null, null)).isNull();
    }
}
