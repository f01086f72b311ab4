package io.mnemos.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommandReferenceTest {
    @Test
    void readmeListsExactlyTheCommandsOfTheTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertEquals(CommandReference.updated(readme), readme,
                "README's command list is stale: run ./mvnw -q package -DskipTests && "
                        + "java -cp target/mnemos-server.jar io.mnemos.command.CommandReference --update README.md");
    }
}
