package dev.lanes.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a JMH JSON result file ({@code -rf json -rff FILE}) into Markdown tables.
 *
 * <p>GEMM results (any benchmark with a {@code shape} parameter in {@link Shape}'s format) become
 * one row per shape and one column per implementation, in GFLOP/s = 2·m·n·k·calls/s / 10⁹, each
 * with its ratio to single-thread OpenBLAS, followed by SIMD-over-reference and all-cores-over-one
 * columns. Every value is the median of the measurement iterations of all forks, because on a
 * noisy machine the mean follows the outliers. Other benchmarks are listed as they are.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.lanes.bench.Report result.json}
 */
public final class Report {

    /** Column order of the GEMM table; implementations not named here follow alphabetically. */
    private static final List<String> ORDER = List.of(GemmCase.REFERENCE, GemmCase.SIMD_1,
            GemmCase.SIMD_ALL, GemmCase.OPENBLAS_1, GemmCase.OPENBLAS_ALL, GemmCase.EJML);

    private Report() {
    }

    /** One benchmark × parameter combination of the result file. */
    record Result(String benchmark, String mode, Map<String, String> params, double[] raw, String unit) {

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String shortName() {
            int dot = benchmark.lastIndexOf('.');
            int classDot = benchmark.lastIndexOf('.', dot - 1);
            return benchmark.substring(classDot + 1);
        }

        /** The implementation: the {@code impl} parameter, else the benchmark method's name. */
        String impl() {
            return params.getOrDefault("impl", method());
        }

        double median() {
            return Report.median(raw);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp benchmarks.jar dev.lanes.bench.Report RESULT.json");
            System.exit(2);
        }
        List<Result> results;
        JsonObject first;
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            JsonArray array = JsonParser.parseReader(in).getAsJsonArray();
            if (array.isEmpty()) {
                System.err.println(args[0] + ": no results (did every benchmark fail?)");
                System.exit(1);
            }
            first = array.get(0).getAsJsonObject();
            results = new ArrayList<>();
            for (JsonElement e : array) {
                results.add(parse(e.getAsJsonObject()));
            }
        }
        System.out.print(render(first, results));
    }

    static Result parse(JsonObject o) {
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                params.put(p.getKey(), p.getValue().getAsString());
            }
        }
        JsonObject metric = o.getAsJsonObject("primaryMetric");
        List<Double> raw = new ArrayList<>();
        for (JsonElement fork : metric.getAsJsonArray("rawData")) {
            for (JsonElement v : fork.getAsJsonArray()) {
                raw.add(v.getAsDouble());
            }
        }
        return new Result(o.get("benchmark").getAsString(), o.get("mode").getAsString(), params,
                raw.stream().mapToDouble(Double::doubleValue).toArray(),
                metric.get("scoreUnit").getAsString());
    }

    static String render(JsonObject run, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "JMH %s, JDK %s (%s), JVM args %s; %s fork(s), warmup %s × %s, measurement %s × %s.%n%n",
                str(run, "jmhVersion"), str(run, "jdkVersion"), str(run, "vmName"), run.get("jvmArgs"),
                str(run, "forks"), str(run, "warmupIterations"), str(run, "warmupTime"),
                str(run, "measurementIterations"), str(run, "measurementTime")));

        List<Result> gemm = new ArrayList<>();
        List<Result> other = new ArrayList<>();
        for (Result r : results) {
            (shapeOf(r) != null ? gemm : other).add(r);
        }
        if (!gemm.isEmpty()) {
            out.append(gemmTable(gemm)).append('\n');
        }
        if (!other.isEmpty()) {
            out.append(otherTable(other)).append('\n');
        }
        return out.toString();
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsString() : "?";
    }

    private static Shape shapeOf(Result r) {
        String s = r.params().get("shape");
        if (s == null) {
            return null;
        }
        try {
            return Shape.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String gemmTable(List<Result> results) {
        // shape text -> implementation -> median GFLOP/s, shapes in the order the run met them
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        Set<String> impls = new LinkedHashSet<>();
        Set<String> extra = new TreeSet<>();
        for (Result r : results) {
            Shape shape = shapeOf(r);
            double[] gflops = Arrays.stream(r.raw())
                    .map(v -> shape.flops() * callsPerSecond(v, r.unit()) / 1e9).toArray();
            Double previous = table.computeIfAbsent(r.params().get("shape"), s -> new TreeMap<>())
                    .put(r.impl(), median(gflops));
            if (previous != null) {
                throw new IllegalArgumentException("two results for " + r.impl() + " on "
                        + r.params().get("shape") + "; select one benchmark per implementation");
            }
            if (!ORDER.contains(r.impl())) {
                extra.add(r.impl());
            }
        }
        for (String i : ORDER) {
            if (results.stream().anyMatch(r -> r.impl().equals(i))) {
                impls.add(i);
            }
        }
        impls.addAll(extra);

        StringBuilder out = new StringBuilder();
        out.append("GEMM, GFLOP/s (median of iterations) and in parentheses the ratio to openblas1\n\n");
        out.append("| shape (M×K·K×N) |");
        for (String i : impls) {
            out.append(' ').append(i).append(" |");
        }
        out.append(" simd1 / reference | simdAll / simd1 |\n|---|");
        out.append("---:|".repeat(impls.size() + 2)).append('\n');
        for (Map.Entry<String, Map<String, Double>> row : table.entrySet()) {
            Map<String, Double> g = row.getValue();
            Double base = g.get(GemmCase.OPENBLAS_1);
            out.append("| ").append(Shape.parse(row.getKey()).label()).append(" |");
            for (String i : impls) {
                Double v = g.get(i);
                out.append(' ');
                if (v == null) {
                    out.append('—');
                } else {
                    out.append(gflops(v));
                    if (base != null) {
                        out.append(" (").append(ratio(v / base)).append(')');
                    }
                }
                out.append(" |");
            }
            out.append(' ').append(ratioOf(g, GemmCase.SIMD_1, GemmCase.REFERENCE)).append(" |");
            out.append(' ').append(ratioOf(g, GemmCase.SIMD_ALL, GemmCase.SIMD_1)).append(" |\n");
        }
        return out.toString();
    }

    static String otherTable(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | parameters | mode | median | min – max | unit |\n");
        out.append("|---|---|---|---:|---:|---|\n");
        for (Result r : results) {
            double[] sorted = r.raw().clone();
            Arrays.sort(sorted);
            StringBuilder p = new StringBuilder();
            r.params().forEach((k, v) -> p.append(p.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s – %s | %s |%n",
                    r.shortName(), p, r.mode(), number(r.median()),
                    number(sorted.length == 0 ? Double.NaN : sorted[0]),
                    number(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]), r.unit()));
        }
        return out.toString();
    }

    /** Converts one JMH score to calls per second, for throughput and time-per-call units alike. */
    static double callsPerSecond(double score, String unit) {
        return switch (unit) {
            case "ops/s" -> score;
            case "ops/ms" -> score * 1e3;
            case "ops/us" -> score * 1e6;
            case "ops/ns" -> score * 1e9;
            case "ops/min" -> score / 60;
            case "s/op" -> 1 / score;
            case "ms/op" -> 1e3 / score;
            case "us/op" -> 1e6 / score;
            case "ns/op" -> 1e9 / score;
            case "min/op" -> 1 / (60 * score);
            default -> throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
        };
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    private static String ratioOf(Map<String, Double> g, String num, String den) {
        Double a = g.get(num);
        Double b = g.get(den);
        return a == null || b == null ? "—" : ratio(a / b);
    }

    private static String gflops(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, r < 0.1 ? "%.3f×" : r < 10 ? "%.2f×" : "%.1f×", r);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4g", v);
    }
}
