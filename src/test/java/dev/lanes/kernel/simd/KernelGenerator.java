package dev.lanes.kernel.simd;

import dev.lanes.kernel.spi.KernelRegistry;
import dev.lanes.kernel.spi.KernelRegistry.ElementType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the per-width kernel classes from the templates in {@code src/main/kernel-templates},
 * one class per {@link KernelRegistry} entry and family (GEMM, element-wise, matrix-vector), into
 * {@code src/main/generated-java}, which the build compiles as a second source root. Run by
 * {@code ci/gen-kernels}; {@code GeneratedKernelsTest} regenerates in memory and fails when a
 * committed file differs, so the templates, the registry and the sources cannot drift apart.
 *
 * <p>Templates are Java with {@code ${NAME}} placeholders. The GEMM micro-kernel ({@code tile} and
 * {@code tileBeta}) is written out here, unrolled over the registry's mr×nr tile: its accumulators
 * must be separate locals of one method, never an array nor a vector passed to a helper, or C2
 * boxes them. The packing of B stored n×k comes from a fragment chosen by the registry's
 * {@link KernelRegistry.TransposedBPacking}.
 *
 * <p>Element types other than float ({@link ElementType}) are generated from the float sources by
 * rewriting the type: each width's GEMM kernels from the same template, and the portable driver,
 * its kernel interface and its packing ({@code Gemm}, {@code GemmKernels}, {@code Packing} in
 * {@code dev.lanes.kernel.gemm}) from the hand-written float classes, so the two precisions run
 * the same loops and a fix to the float code reaches the double code at the next generation.
 */
public final class KernelGenerator {

    /** Where the templates are, relative to the project root. */
    public static final Path TEMPLATES = Path.of("src/main/kernel-templates");
    /** Where the generated sources go, relative to the project root. */
    public static final Path OUTPUT = Path.of("src/main/generated-java");

    private static final Path PACKAGE_DIR = Path.of(KernelRegistry.KERNEL_PACKAGE.replace('.', '/'));
    /** The package of the portable GEMM driver, whose float classes are rewritten for other types. */
    private static final Path DRIVER_DIR = Path.of("dev/lanes/kernel/gemm");
    /** The float driver classes rewritten per element type, in src/main/java. */
    private static final String[] DRIVER_CLASSES = {"GemmKernels", "Packing", "Gemm"};
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_0-9]+)}");

    private KernelGenerator() {
    }

    /**
     * Writes every generated file under {@code root/src/main/generated-java} and deletes generated
     * kernel files no registry entry produces any more.
     *
     * @param args the project root (default: the current directory)
     */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Map<Path, String> files = generate(root.resolve(TEMPLATES));
        for (Path pkg : new Path[] {PACKAGE_DIR, DRIVER_DIR}) {
            Path dir = root.resolve(OUTPUT).resolve(pkg);
            Files.createDirectories(dir);
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    if (!files.containsKey(OUTPUT.resolve(pkg).resolve(p.getFileName()))) {
                        Files.delete(p);
                        System.out.println("deleted " + root.relativize(p));
                    }
                }
            }
        }
        for (Map.Entry<Path, String> e : files.entrySet()) {
            Files.writeString(root.resolve(e.getKey()), e.getValue());
            System.out.println("wrote " + e.getKey());
        }
    }

    /** Every generated file, by its path relative to the project root, in registry order. */
    public static Map<Path, String> generate(Path templates) {
        String gemm = read(templates, "Gemm.java.template");
        String elementwise = read(templates, "Elementwise.java.template");
        String gemv = read(templates, "Gemv.java.template");
        Map<Path, String> out = new LinkedHashMap<>();
        for (KernelRegistry w : KernelRegistry.values()) {
            Map<String, String> common = new LinkedHashMap<>();
            common.put("ENTRY", w.name());
            common.put("BITS", Integer.toString(w.bits()));
            common.put("LANES", Integer.toString(w.lanes()));
            common.put("SPECIES", "SPECIES_" + w.bits());

            for (ElementType type : ElementType.values()) {
                Map<String, String> g = new LinkedHashMap<>(common);
                g.put("LANES", Integer.toString(w.lanes(type)));
                g.putAll(gemmValues(w, type, templates));
                String source = retype(fill(gemm, g, "Gemm.java.template"), type);
                put(out, PACKAGE_DIR, w.gemmClass(type), "Gemm.java.template",
                        "KernelRegistry." + w.name() + (type == ElementType.FLOAT ? "" : ", " + type), source);
            }

            Map<String, String> e = new LinkedHashMap<>(common);
            e.put("CLASS", w.elementwiseClass());
            put(out, PACKAGE_DIR, w.elementwiseClass(), "Elementwise.java.template", "KernelRegistry." + w.name(),
                    fill(elementwise, e, "Elementwise.java.template"));

            Map<String, String> v = new LinkedHashMap<>(common);
            v.put("CLASS", w.gemvClass());
            put(out, PACKAGE_DIR, w.gemvClass(), "Gemv.java.template", "KernelRegistry." + w.name(),
                    fill(gemv, v, "Gemv.java.template"));
        }
        Path driverSources = templates.resolveSibling("java").resolve(DRIVER_DIR);
        for (ElementType type : ElementType.values()) {
            if (type == ElementType.FLOAT) {
                continue;
            }
            for (String name : DRIVER_CLASSES) {
                put(out, DRIVER_DIR, type.prefix() + name, name + ".java", "ElementType." + type,
                        retype(read(driverSources, name + ".java"), type));
            }
        }
        return out;
    }

    /**
     * The float source rewritten for another element type: primitive and boxed type names, the
     * vector class, float literals, the driver classes' names and sgemm. The float sources are
     * written so that this is the whole difference (no float-only constants, no Float.SIZE).
     */
    static String retype(String source, ElementType type) {
        if (type == ElementType.FLOAT) {
            return source;
        }
        if (type != ElementType.DOUBLE) {
            throw new IllegalArgumentException("no rewrite rules for " + type);
        }
        String s = source;
        s = s.replaceAll("\\bFloatVector\\b", "DoubleVector");
        for (String name : DRIVER_CLASSES) {
            s = s.replaceAll("\\b" + name + "\\b", "Double" + name);
        }
        s = s.replaceAll("\\bfloat\\b", "double");
        s = s.replaceAll("\\bfloats\\b", "doubles");
        s = s.replaceAll("\\bFloats\\b", "Doubles");
        s = s.replaceAll("\\bFloat\\b", "Double");
        s = s.replaceAll("\\bsgemm\\b", "dgemm");
        s = s.replaceAll("\\b([0-9]+)f\\b", "$1d");
        return s;
    }

    private static Map<String, String> gemmValues(KernelRegistry w, ElementType type, Path templates) {
        int nr = w.nr(type);
        int vectors = nr / w.lanes(type);
        if (vectors != 2) {
            // The template's packing, edge merge and row sweep move two vectors per tile row.
            throw new IllegalArgumentException(w + ": Gemm.java.template handles tiles two vectors wide, but "
                    + w.mr() + "x" + nr + " is " + vectors + " vectors of " + w.lanes(type) + " lanes");
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CLASS", w.gemmClass(type));
        m.put("MR", Integer.toString(w.mr()));
        m.put("NR", Integer.toString(nr));
        m.put("ACCUMULATORS", Integer.toString(w.mr() * vectors));
        m.put("FMAS", Integer.toString(w.mr() * vectors));
        m.put("LOADS", Integer.toString(w.mr() + vectors));
        m.put("TILE_ACCUMULATORS", accumulators(w.mr(), vectors));
        m.put("TILE_STEP", step(w.mr(), vectors));
        m.put("TILE_STORE", store(w.mr(), vectors, false));
        m.put("TILE_BETA_STORE", store(w.mr(), vectors, true));
        m.put("EDGE", Integer.toString(w.edgeRows()));
        m.put("EDGE_ACCUMULATORS", accumulators(w.edgeRows(), vectors));
        m.put("EDGE_STEP", step(w.edgeRows(), vectors));
        m.put("EDGE_STORE", store(w.edgeRows(), vectors, false));
        m.put("TILE_BIAS_STORE", biasStore(w.mr(), vectors));
        m.put("EDGE_BIAS_STORE", biasStore(w.edgeRows(), vectors));
        String fragment = "Gemm.transposes." + w.transposedB(type).name() + ".template";
        m.put("TRANSPOSES", read(templates, fragment).stripTrailing());
        return m;
    }

    /** The accumulator of tile row i, vector v: c00, c01, …, c90, ca0, cb0 (row in base 36). */
    private static String acc(int i, int v) {
        return "c" + Character.forDigit(i, 36) + v;
    }

    private static String accumulators(int mr, int vectors) {
        StringBuilder s = new StringBuilder("        FloatVector z = FloatVector.zero(S);\n");
        int onLine = 0;
        for (int i = 0; i < mr; i++) {
            for (int v = 0; v < vectors; v++) {
                s.append(onLine == 0 ? "        FloatVector " : ", ").append(acc(i, v)).append(" = z");
                if (++onLine == 8) {
                    s.append(";\n");
                    onLine = 0;
                }
            }
        }
        if (onLine > 0) {
            s.append(";\n");
        }
        return s.toString().stripTrailing();
    }

    private static String lanesOffset(String base, int v) {
        return v == 0 ? base : v == 1 ? base + " + L" : base + " + " + v + " * L";
    }

    private static String step(int mr, int vectors) {
        StringBuilder s = new StringBuilder();
        for (int v = 0; v < vectors; v++) {
            s.append("            FloatVector b").append(v).append(" = FloatVector.fromArray(S, b, ")
                    .append(lanesOffset("bi", v)).append(");\n");
        }
        for (int i = 0; i < mr; i++) {
            s.append(i == 0 ? "            FloatVector x" : "            x")
                    .append(" = FloatVector.broadcast(S, a[ai").append(i == 0 ? "" : " + " + i).append("]);\n");
            for (int v = 0; v < vectors; v++) {
                s.append("            ").append(acc(i, v)).append(" = x.fma(b").append(v).append(", ")
                        .append(acc(i, v)).append(");\n");
            }
        }
        return s.toString().stripTrailing();
    }

    /**
     * The store of a dense layer's tile: the sum plus the bias vectors y0, y1, …, set to 0 where
     * below lo (0 for ReLU, −∞ for none): one addition and the blend of the element-wise ReLU.
     */
    private static String biasStore(int mr, int vectors) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < mr; i++) {
            if (i > 0) {
                s.append("        r += ldc;\n");
            }
            for (int v = 0; v < vectors; v++) {
                String at = lanesOffset("r", v);
                s.append("        v = ").append(acc(i, v)).append(".add(y").append(v).append(");\n");
                s.append("        v.blend(0, v.compare(VectorOperators.LT, lo)).intoArray(c, ").append(at)
                        .append(");\n");
            }
        }
        return s.toString().stripTrailing();
    }

    private static String store(int mr, int vectors, boolean beta) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < mr; i++) {
            if (i > 0) {
                s.append("        r += ldc;\n");
            }
            for (int v = 0; v < vectors; v++) {
                String at = lanesOffset("r", v);
                if (beta) {
                    s.append("        FloatVector.fromArray(S, c, ").append(at).append(").fma(vb, ")
                            .append(acc(i, v)).append(".mul(alpha)).intoArray(c, ").append(at).append(");\n");
                } else {
                    s.append("        ").append(acc(i, v)).append(".mul(alpha).intoArray(c, ").append(at)
                            .append(");\n");
                }
            }
        }
        return s.toString().stripTrailing();
    }

    private static void put(Map<Path, String> out, Path pkg, String className, String source, String entry,
                            String body) {
        String header = "// Generated by KernelGenerator from " + source + " for " + entry
                + (source.endsWith(".template") ? ": edit the template or the registry" : ": edit the float source")
                + ", then run ci/gen-kernels.\n";
        out.put(OUTPUT.resolve(pkg).resolve(className + ".java"), header + body);
    }

    private static String fill(String template, Map<String, String> values, String name) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder s = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException(name + ": no value for placeholder ${" + m.group(1) + "}");
            }
            m.appendReplacement(s, Matcher.quoteReplacement(v));
        }
        m.appendTail(s);
        return s.toString();
    }

    private static String read(Path templates, String name) {
        try {
            return Files.readString(templates.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel template " + templates.resolve(name), e);
        }
    }
}
