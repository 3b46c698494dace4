package dev.lanes.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's libraries are optional dependencies: only dev.lanes.cli may name them, so the library
 * packages load with the JDK alone. Checked on the compiled classes' constant pools.
 */
class OptionalDependenciesTest {

    private static final List<String> OPTIONAL = List.of("picocli/", "me/tongfei/", "org/knowm/", "org/jline/", "java/awt/");

    @Test
    void onlyTheCliPackageNamesTheCliLibraries() throws IOException, URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = classes.resolve("dev/lanes");
        assertTrue(Files.isDirectory(root), root.toString());
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("cli/")) {
                    continue;
                }
                checked++;
                String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String lib : OPTIONAL) {
                    if (pool.contains(lib)) {
                        offenders.add(rel + " names " + lib);
                    }
                }
            }
        }
        assertTrue(checked > 20, "only " + checked + " library classes found under " + root);
        assertEquals(List.of(), offenders);
    }
}
