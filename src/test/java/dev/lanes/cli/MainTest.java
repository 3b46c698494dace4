package dev.lanes.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command line naming a subcommand builds only that one; anything else builds them all. */
class MainTest {

    private static Set<String> built(String... args) {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return Main.commandLine(none, none, args).getSubcommands().keySet();
    }

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        for (String name : Main.COMMANDS.keySet()) {
            if (!name.equals("help")) {
                assertEquals(Set.of(name), built(name, "--whatever"), name);
            }
        }
    }

    @Test
    void helpOptionsAndUnknownNamesBuildEveryCommand() {
        Set<String> all = Main.COMMANDS.keySet();
        assertEquals(all, built());
        assertEquals(all, built("--help"));
        assertEquals(all, built("help", "eval"));
        assertEquals(all, built("evl"));
        // The order is that of --help's list.
        assertEquals(new ArrayList<>(all), new ArrayList<>(built()));
    }

    @Test
    void everyListedCommandIsRegisteredUnderItsOwnName() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        for (var e : Main.commandLine(none, none).getSubcommands().entrySet()) {
            assertEquals(e.getKey(), e.getValue().getCommandName());
        }
    }

    @Test
    void helpListsEveryCommandAndAMisspeltOneGetsASuggestion() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "--help"));
        List<String> missing = new ArrayList<>();
        for (String name : Main.COMMANDS.keySet()) {
            if (!out.toString().contains("  " + name + " ")) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "lanes --help does not list " + missing + ":\n" + out);
        StringWriter err2 = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true), "evl");
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err2.toString().contains("eval"), err2.toString());
        // A named command still runs its own --help.
        StringWriter out3 = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out3, true), new PrintWriter(new StringWriter(), true),
                "predict", "--help"));
        assertTrue(out3.toString().startsWith("Usage: lanes predict"), out3.toString());
    }
}
