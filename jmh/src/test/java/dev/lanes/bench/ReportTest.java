package dev.lanes.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    /** A result entry shaped like JMH 1.37's JSON output. */
    private static String entry(String method, String params, String unit, String raw) {
        return """
                {"jmhVersion": "1.37", "benchmark": "dev.lanes.bench.GemmBenchmark.%s", "mode": "thrpt",
                 "threads": 1, "forks": 1, "jvmArgs": ["--add-modules=jdk.incubator.vector"],
                 "jdkVersion": "25", "vmName": "VM", "warmupIterations": 3, "warmupTime": "1 s",
                 "measurementIterations": 3, "measurementTime": "1 s", "params": {%s},
                 "primaryMetric": {"score": 0, "scoreError": "NaN", "scoreUnit": "%s", "rawData": %s},
                 "secondaryMetrics": {}}
                """.formatted(method, params, unit, raw);
    }

    private static List<Report.Result> parse(String json) {
        List<Report.Result> results = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            results.add(Report.parse(e.getAsJsonObject()));
        }
        return results;
    }

    @Test
    void gemmTableConvertsMediansToGflopsAndRatios() {
        String square = "\"shape\": \"128:128:128:N:N\"";
        String json = "[" + String.join(",",
                // median 2000 calls/s of 2·128³ flops = 8.39 GFLOP/s; the mean (3000) must not be used
                entry("gemm", "\"impl\": \"openblas1\", " + square, "ops/s", "[[1000, 6000, 2000]]"),
                // 1 ms per call = 1000 calls/s = 4.19 GFLOP/s, half of OpenBLAS
                entry("gemm", "\"impl\": \"simd1\", " + square, "ms/op", "[[1.0], [1.0]]"),
                entry("gemm", "\"impl\": \"simdAll\", " + square, "ops/ms", "[[1.5, 1.5]]"),
                // the reference method has no impl parameter: named after the method
                entry("reference", square, "ops/s", "[[100, 100]]"),
                entry("gemm", "\"impl\": \"ejml\", \"shape\": \"256:10:512:N:T\"", "ops/s", "[[1000]]"))
                + "]";
        String table = Report.gemmTable(parse(json));
        String[] lines = table.split("\n");
        assertTrue(lines[2].startsWith("| shape (M×K·K×N) | reference | simd1 | simdAll | openblas1 | ejml |"), lines[2]);
        assertEquals("| 128³ | 0.42 (0.050×) | 4.19 (0.50×) | 6.29 (0.75×) | 8.39 (1.00×) | — | 10.0× | 1.50× |", lines[4]);
        // 2·256·10·512 flops × 1000/s = 2.62 GFLOP/s; no OpenBLAS result, so no ratio
        assertEquals("| 256×512·512×10 Bᵀ | — | — | — | — | 2.62 | — | — |", lines[5]);
    }

    @Test
    void otherBenchmarksAreListedAsTheyAre() {
        String json = "[" + entry("step", "\"batch\": \"256\"", "ops/s", "[[10, 30, 20]]") + "]";
        JsonArray array = JsonParser.parseString(json).getAsJsonArray();
        JsonObject first = array.get(0).getAsJsonObject();
        String out = Report.render(first, parse(json));
        assertTrue(out.contains("| GemmBenchmark.step | batch=256 | thrpt | 20.00 | 10.00 – 30.00 | ops/s |"), out);
    }

    @Test
    void duplicateResultsForOneCellAreRejected() {
        String p = "\"impl\": \"simd1\", \"shape\": \"128:128:128:N:N\"";
        String json = "[" + entry("gemm", p, "ops/s", "[[1]]") + "," + entry("gemm", p, "ops/s", "[[2]]") + "]";
        assertThrows(IllegalArgumentException.class, () -> Report.gemmTable(parse(json)));
    }

    @Test
    void unitsConvertToCallsPerSecond() {
        assertEquals(5e6, Report.callsPerSecond(5, "ops/us"), 1e-6);
        assertEquals(4, Report.callsPerSecond(250, "ms/op"), 1e-12);
        assertEquals(0.5, Report.callsPerSecond(2e9, "ns/op"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Report.callsPerSecond(1, "furlongs"));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2, Report.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Report.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(Report.median(new double[0])));
    }
}
