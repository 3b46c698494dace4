package dev.lanes.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java blocks compile as written against the library and run: each ```java block is
 * one complete source file with a public class and a main method, compiled with the same -Werror
 * lint settings as the library and run in a JVM of its own.
 */
class ReadmeSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    @TempDir
    Path dir;

    static List<String> javaBlocks() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void everyJavaBlockCompilesAndRuns() throws Exception {
        List<String> blocks = javaBlocks();
        assertTrue(blocks.size() >= 2, "expected the README's library examples, found " + blocks.size() + " blocks");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> files = new ArrayList<>();
        List<String> mains = new ArrayList<>();
        for (String b : blocks) {
            Matcher c = CLASS.matcher(b);
            assertTrue(c.find(), "a README java block has no public class:\n" + b);
            Path f = src.resolve(c.group(1) + ".java");
            Files.writeString(f, b, StandardCharsets.UTF_8);
            files.add(f.toString());
            mains.add(c.group(1));
        }
        String cp = System.getProperty("java.class.path");
        // javac as a process: the tests run patched into the dev.lanes module, which does not read java.compiler.
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        List<String> args = new ArrayList<>(List.of(bin.resolve("javac").toString(), "-Xlint:all", "-Werror",
                "-cp", cp, "-d", out.toString()));
        args.addAll(files);
        Path diag = dir.resolve("javac.txt");
        Process jc = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(diag.toFile()).start();
        if (!jc.waitFor(10, TimeUnit.MINUTES)) {
            jc.destroyForcibly();
            throw new AssertionError("javac did not finish");
        }
        assertEquals(0, jc.exitValue(), () -> "the README's Java does not compile:\n" + read(diag));

        Path java = bin.resolve("java");
        for (String main : mains) {
            Path stdout = dir.resolve(main + ".out");
            Path stderr = dir.resolve(main + ".err");
            Process p = new ProcessBuilder(java.toString(), "--add-modules=jdk.incubator.vector",
                    "-cp", out + File.pathSeparator + cp, main)
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            // Generous: only a hung snippet should ever reach it.
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(main + " did not finish");
            }
            String o = read(stdout);
            String e = read(stderr);
            assertEquals(0, p.exitValue(), () -> main + " failed:\n" + o + e);
            switch (main) {
                case "Gemm" -> assertEquals("[58.0, 64.0, 139.0, 154.0]", o.strip());
                case "Digits" -> {
                    String[] lines = o.strip().split("\n");
                    assertEquals(3, lines.length, o);
                    double accuracy = Double.parseDouble(lines[0]);
                    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);
                    assertTrue(lines[1].matches("\\d \\[.*]"), lines[1]);
                    assertTrue(lines[2].matches("\\[\\d, \\d]"), lines[2]);
                }
                case "FusedStep" -> assertEquals("true\ntrue", o.strip().replace("\r", ""),
                        "XOR learnt, and the fused update has the bits of the separate one");
                default -> assertTrue(!o.isBlank(), main + " printed nothing");
            }
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read " + f + ": " + e + ")";
        }
    }
}
