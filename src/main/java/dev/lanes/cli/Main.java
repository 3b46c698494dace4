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
        // Standard output straight to its file descriptor: System.out, like any PrintStream or
        // PrintWriter, swallows write errors, so a full disk under `lanes predict > out.csv` would
        // lose the results and still exit 0.
        WatchedOutput stdout = new WatchedOutput(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(
                new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8)), true);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(out, err, args);
        out.flush();
        IOException failed = stdout.failure;
        if (failed != null && !isBrokenPipe(failed)) {
            err.println("lanes: could not write to standard output: " + failed.getMessage());
            code = code == ExitCodes.OK ? ExitCodes.FAILURE : code;
        }
        err.flush();
        System.exit(code);
    }

    /**
     * A reader that stopped reading (as {@code lanes predict ... | head} does) is not a failure;
     * a Unix tool dies quietly of SIGPIPE there, which the JVM ignores.
     */
    private static boolean isBrokenPipe(IOException e) {
        // "Broken pipe" (Linux, macOS), "The pipe is being closed" / "has been ended" (Windows)
        String m = e.getMessage();
        return m != null && m.toLowerCase(java.util.Locale.ROOT).contains("pipe");
    }

    /** An output stream that remembers its first write failure before passing it on. */
    static final class WatchedOutput extends java.io.FilterOutputStream {
        volatile IOException failure;

        WatchedOutput(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw noted(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw noted(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw noted(e);
            }
        }

        private IOException noted(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
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
        try {
            return commandLine(out, err, args).execute(args);
        } catch (OutOfMemoryError e) {
            // What the up-front estimates did not catch (data and network are checked against the
            // heap before they are built): a clear line, not a stack trace.
            String who = args.length > 0 && COMMANDS.containsKey(args[0]) ? "lanes " + args[0] : "lanes";
            err.println(who + ": out of memory (" + e.getMessage() + "): this needs more than the "
                    + Runtime.getRuntime().maxMemory() + " bytes the heap allows; use less data or a larger heap "
                    + "(LANES_JAVA_OPTS=-Xmx8g)");
            err.flush();
            return ExitCodes.FAILURE;
        }
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
    private static void requireParentDirectory(CommandLine cl, String option, java.nio.file.Path file) {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
            throw new ParameterException(cl, option + " " + file + ": the directory " + parent + " does not exist");
        }
    }

    /**
     * Fails with a usage error before any work unless {@code file} can be written atomically: its
     * directory exists and accepts a new file (probed by creating and deleting one, since
     * permission bits do not tell the whole story: read-only mounts, root, ACLs), the file is new
     * or a regular file (a write renames a new file over the old name, which would turn a device,
     * pipe or socket such as /dev/null into a plain file), and it is none of the {@code inputs} the
     * command reads (null and missing ones are skipped). Then removes the temporary files that
     * killed writes of it left behind, with a note on stderr for each.
     */
    static void requireWritableFile(CommandLine cl, String option, java.nio.file.Path file, java.nio.file.Path... inputs) {
        requireParentDirectory(cl, option, file);
        java.nio.file.Path abs = file.toAbsolutePath();
        if (java.nio.file.Files.isDirectory(abs)) {
            throw new ParameterException(cl, option + " " + file + ": " + abs + " is a directory; give a file name");
        }
        if (java.nio.file.Files.exists(abs) && !java.nio.file.Files.isRegularFile(abs)) {
            throw new ParameterException(cl, option + " " + file + ": " + abs + " exists and is not a regular file "
                    + "(a device, pipe or socket); Lanes replaces the files it writes, so give the name of a new or "
                    + "regular file");
        }
        for (java.nio.file.Path in : inputs) {
            if (in != null && sameFile(in, abs)) {
                throw new ParameterException(cl, option + " " + file + " is also the input " + in
                        + "; writing it would replace what this command reads, so give another file");
            }
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

    /**
     * The file a data option names, or null for the built-in digits, standard input ({@code -}) or
     * a text that is not a path on this system (reading it will report that).
     */
    static java.nio.file.Path pathOrNull(String source) {
        if (source == null || source.equals(DataOptions.DIGITS) || source.equals("-")) {
            return null;
        }
        try {
            return java.nio.file.Path.of(source);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /**
     * Fails with a usage error unless the widths option ({@code --layers}) was given at most once,
     * as one list with nothing empty between or around its separators: picocli would join repeated
     * lists into one network, and drop a trailing separator or leave no width at all. (How many
     * widths a list needs is the command's own check.)
     */
    static void requireOneWidthList(CommandLine cl, String option) {
        CommandLine.Model.OptionSpec o = cl.getParseResult().matchedOption(option);
        if (o == null) {
            return;
        }
        java.util.List<String> given = o.originalStringValues();
        if (given.size() > 1) {
            throw new ParameterException(cl, "option '" + option + "' should be specified only once (one list, as in "
                    + "64-32-10), but was given " + given.size() + " times");
        }
        for (String v : given) {
            String[] parts = v.split("[,-]", -1);
            if (java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new ParameterException(cl, option + " '" + v + "': give every width, input first and output "
                        + "last, separated by '-' or ',' as in 64-32-10");
            }
        }
    }

    /** Whether both paths exist and are the same file (links followed); false when either cannot be checked. */
    private static boolean sameFile(java.nio.file.Path a, java.nio.file.Path b) {
        try {
            return java.nio.file.Files.exists(a) && java.nio.file.Files.exists(b) && java.nio.file.Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
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
