package dev.lanes.cli;

import dev.lanes.io.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@code lanes} command: entry point and the mapping of failures to exit codes. */
@Command(name = "lanes",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Train, evaluate and run dense neural networks on the CPU with SIMD kernels.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILURE, ExitCodes.HELP_USAGE,
            ExitCodes.HELP_BAD_INPUT})
public final class Main implements Runnable {

    /**
     * The subcommands, in the order {@code lanes --help} lists them. Added by hand rather than in
     * the annotation so that a command line naming one of them builds only that one: picocli
     * builds a command's model (reflection over every option, converters, defaults) when it is
     * added, and doing that for all of them was a fifth of a {@code lanes predict}'s start.
     */
    static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("info", InfoCommand::new);
        m.put("train", TrainCommand::new);
        m.put("eval", EvalCommand::new);
        m.put("predict", PredictCommand::new);
        m.put("gradcheck", GradcheckCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("export", ExportCommand::new);
        m.put("import", ImportCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return java.util.Collections.unmodifiableMap(m);
    }

    // Held so the level set below is not lost when the logger is garbage collected.
    private static final Logger KERNEL_LOG = Logger.getLogger("dev.lanes.kernel");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try 'lanes --help'");
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line with the given output and error streams (tests call this in process).
     *
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // Charts are drawn off screen; without this AWT would look for a display.
        System.setProperty("java.awt.headless", "true");
        // The kernel choice is printed by `lanes info` and in each command's header; the library's
        // INFO log line would repeat it on stderr. Warnings (a fallback to scalar) still show.
        if (KERNEL_LOG.getLevel() == null) {
            KERNEL_LOG.setLevel(Level.WARNING);
        }
        return commandLine(out, err, args).execute(args);
    }

    /** The whole command line, every subcommand included (what --help and the docs test see). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new String[0]);
    }

    /**
     * The command line for these arguments: when the first one names a subcommand other than
     * {@code help}, only that subcommand is built; otherwise (no command, an option such as
     * {@code --help}, {@code help}, a misspelt name that the error message should suggest a
     * correction for) all of them are.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String named = args.length > 0 && !"help".equals(args[0]) && COMMANDS.containsKey(args[0]) ? args[0] : null;
        for (Map.Entry<String, Supplier<Object>> c : COMMANDS.entrySet()) {
            if (named == null || named.equals(c.getKey())) {
                cl.addSubcommand(c.getKey(), c.getValue().get());
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::handleUsage);
        return cl;
    }

    /**
     * A command line that does not parse: the message and a one-line hint, not the whole usage,
     * which would scroll the message away (the usage is what --help prints).
     */
    private static int handleUsage(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
        }
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String who = "lanes " + cl.getCommandName() + ": ";
        switch (e) {
            case CliException c -> {
                err.println(who + c.getMessage());
                return c.exitCode();
            }
            case ModelFileException m -> {
                err.println(who + m.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            case ParameterException p -> {
                err.println(who + p.getMessage());
                err.println("Try 'lanes " + cl.getCommandName() + " --help' for the options.");
                return ExitCodes.USAGE;
            }
            case IOException io -> {
                err.println(who + "I/O error: " + io);
                return ExitCodes.FAILURE;
            }
            case UncheckedIOException io -> {
                err.println(who + "I/O error: " + io.getCause());
                return ExitCodes.FAILURE;
            }
            default -> {
                err.println(who + "internal error: " + e);
                e.printStackTrace(err);
                return ExitCodes.FAILURE;
            }
        }
    }

    /** Fails with a usage error before any work when {@code file} could not be created. */
    static void requireParentDirectory(CommandLine cl, String option, java.nio.file.Path file) {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
            throw new ParameterException(cl, option + " " + file + ": the directory " + parent + " does not exist");
        }
    }

    /**
     * Fails with a usage error before any work unless {@code file} can be written atomically: its
     * directory exists and accepts a new file (probed by creating and deleting one, since
     * permission bits do not tell the whole story: read-only mounts, root, ACLs), and the file is
     * not a directory. Then removes the temporary files that killed writes of it left behind, with
     * a note on stderr for each.
     */
    static void requireWritableFile(CommandLine cl, String option, java.nio.file.Path file) {
        requireParentDirectory(cl, option, file);
        java.nio.file.Path abs = file.toAbsolutePath();
        if (java.nio.file.Files.isDirectory(abs)) {
            throw new ParameterException(cl, option + " " + file + ": " + abs + " is a directory; give a file name");
        }
        try {
            java.nio.file.Path probe = java.nio.file.Files.createTempFile(abs.getParent(), ".lanes-probe-", ".tmp");
            java.nio.file.Files.delete(probe);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new ParameterException(cl, option + " " + file + ": cannot create files in the directory "
                    + abs.getParent() + " (" + e.getClass().getSimpleName() + ")");
        }
        for (java.nio.file.Path stale : dev.lanes.io.AtomicFiles.removeStaleTemporaries(abs)) {
            cl.getErr().println("lanes " + cl.getCommandName() + ": removed " + stale
                    + ", left by an earlier run that was killed while writing " + abs.getFileName());
        }
    }

    /** Reads the project version that the build writes into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Lanes " + version(),
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    static String version() {
        return buildProperty("version", "unknown");
    }

    /**
     * A value the build writes into {@code version.properties}: {@code version}, and the JVM flags
     * of pom.xml, {@code jvmFlags} and {@code startupFlags}.
     */
    static String buildProperty(String key, String fallback) {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return fallback;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, fallback);
        } catch (IOException e) {
            return fallback;
        }
    }
}
