package dev.lanes.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/cli.md names every option of every command: each command has a section
 * {@code ### `lanes <command>`} that mentions each of its option names in backquotes.
 */
class CliDocsTest {

    @Test
    void everyOptionOfEveryCommandIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("docs", "cli.md"));
        CommandLine root = Main.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            String heading = "### `lanes " + e.getKey() + "`";
            int start = doc.indexOf(heading);
            if (start < 0) {
                missing.add("the section " + heading);
                continue;
            }
            int end = doc.indexOf("\n#", start + heading.length());
            String section = doc.substring(start, end < 0 ? doc.length() : end);
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                for (String name : o.names()) {
                    if (!section.contains("`" + name + "`")) {
                        missing.add("lanes " + e.getKey() + " " + name);
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "docs/cli.md does not document: " + missing);
        assertTrue(!root.getSubcommands().isEmpty());
    }
}
