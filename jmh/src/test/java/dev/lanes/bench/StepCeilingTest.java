package dev.lanes.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ceiling probe runs its three timings and reports them; its numbers are not judged here. */
class StepCeilingTest {

    @Test
    void aTinyRunPrintsOneRowPerModelWithPositiveTimes() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            StepCeiling.main(new String[] {"-batch", "4", "-rounds", "3", "-slice", "0.01", "-warmup", "0"});
        } finally {
            System.setOut(out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        int rows = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("| sigmoidMse |") || line.startsWith("| reluSoftmaxCe |")) {
                String[] cells = line.split("\\|");
                for (int c = 2; c <= 7; c++) {
                    double v = Double.parseDouble(cells[c].strip());
                    assertTrue(v > 0 && Double.isFinite(v), line);
                }
                rows++;
            }
        }
        assertEquals(2, rows, text);
    }

    @Test
    void itsMediansAreTheMeanOfTheMiddlePairForAnEvenCount() {
        assertEquals(2.5, Report.median(new double[] {4, 1, 3, 2}), 0.0);
        assertEquals(3.0, Report.median(new double[] {5, 3, 1}), 0.0);
    }
}
