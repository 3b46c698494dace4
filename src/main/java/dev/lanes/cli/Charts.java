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
}
