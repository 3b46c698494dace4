package dev.lanes.cli;

import dev.lanes.io.AtomicFiles;
import dev.lanes.train.EpochResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The PNG plots of the CLI, drawn off screen with XChart. */
final class Charts {
    private Charts() {
    }

    /**
     * Loss (left) and, for classification, accuracy (right) per epoch, training and validation.
     * Written atomically.
     */
    static void writeTraining(Path file, List<EpochResult> history, boolean accuracy) throws IOException {
        double[] epochs = new double[history.size()];
        double[] loss = new double[epochs.length];
        double[] vLoss = new double[epochs.length];
        double[] acc = new double[epochs.length];
        double[] vAcc = new double[epochs.length];
        boolean validation = !history.isEmpty() && history.getFirst().hasValidation();
        for (int i = 0; i < epochs.length; i++) {
            EpochResult r = history.get(i);
            epochs[i] = r.epoch();
            loss[i] = r.trainLoss();
            vLoss[i] = r.validationLoss();
            acc[i] = 100 * r.trainAccuracy();
            vAcc[i] = 100 * r.validationAccuracy();
        }
        List<Chart<?, ?>> charts = new ArrayList<>();
        XYChart l = new XYChartBuilder().width(600).height(400).title("Loss per epoch")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        l.addSeries("training", epochs, loss);
        if (validation) {
            l.addSeries("validation", epochs, vLoss);
        }
        charts.add(l);
        if (accuracy) {
            XYChart a = new XYChartBuilder().width(600).height(400).title("Accuracy per epoch")
                    .xAxisTitle("epoch").yAxisTitle("accuracy (%)").build();
            a.addSeries("training", epochs, acc);
            if (validation) {
                a.addSeries("validation", epochs, vAcc);
            }
            charts.add(a);
        }
        AtomicFiles.write(file, o -> BitmapEncoder.saveBitmap(charts, 1, charts.size(), o,
                BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * The confusion matrix as a heat map with the counts written in the cells: true class down
     * (rows), predicted class across (columns). Written atomically.
     */
    static void writeConfusion(Path file, List<String> names, long[][] confusion, String title) throws IOException {
        int k = names.size();
        List<Number[]> cells = new ArrayList<>();
        long max = 1;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                // Row 0 at the top, as in the printed table: the y axis counts upwards.
                cells.add(new Number[] {p, k - 1 - t, confusion[t][p]});
                max = Math.max(max, confusion[t][p]);
            }
        }
        List<String> down = new ArrayList<>(names).reversed();
        int side = Math.max(400, Math.min(1600, 60 * k + 200));
        org.knowm.xchart.HeatMapChart c = new org.knowm.xchart.HeatMapChartBuilder().width(side + 120).height(side)
                .title(title).xAxisTitle("predicted class").yAxisTitle("true class").build();
        c.getStyler().setShowValue(k <= 30).setMin(0).setMax(max).setPlotContentSize(1);
        c.getStyler().setLegendVisible(false);
        c.addSeries("count", names, down, cells);
        List<Chart<?, ?>> one = List.of(c);
        AtomicFiles.write(file, o -> BitmapEncoder.saveBitmap(one, 1, 1, o, BitmapEncoder.BitmapFormat.PNG));
    }
}
