package dev.lanes.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/cli.md names every command and every option of every command, as the --help texts do. */
class CliDocsTest {

    @Test
    void everyCommandAndOptionIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/cli.md"), StandardCharsets.UTF_8);
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> missing = new ArrayList<>();
        for (var e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            if (!doc.contains("`lanes " + e.getKey() + "`")) {
                missing.add("command lanes " + e.getKey());
            }
            for (CommandLine.Model.OptionSpec o : e.getValue().getCommandSpec().options()) {
                String name = o.longestName();
                if (name.equals("--help") || name.equals("--version")) {
                    continue;
                }
                if (!doc.contains("`" + name + "`") && !doc.contains("`" + name + " ")) {
                    missing.add("lanes " + e.getKey() + " " + name);
                }
            }
        }
        assertEquals(List.of(), missing, "not in docs/cli.md");
    }
}
