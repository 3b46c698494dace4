import dev.lanes.data.Dataset;
import dev.lanes.data.IdxReader;
import dev.lanes.nn.Activation;
import dev.lanes.nn.Loss;
import dev.lanes.nn.Network;
import dev.lanes.nn.NetworkSpec;
import dev.lanes.optim.Adam;
import dev.lanes.optim.LearningRateSchedule;
import dev.lanes.train.EpochResult;
import dev.lanes.train.Trainer;
import dev.lanes.train.TrainingListener;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The test accuracy of a `lanes train` MNIST run after every epoch, which the command itself
 * prints only once, at the end. It repeats what `train` does with its defaults and --test-data
 * (all training images, a stratified 10 % validation split seeded with seed + 1, no preprocessing
 * for IDX, 784-256-10 ReLU/softmax, Adam, batch 32), so its last number is the accuracy `train`
 * prints for the same settings, bit for bit.
 *
 * <p>Arguments: DIR SCHEDULE LR BATCH SEED EPOCHS, e.g. {@code data/mnist cosine 0.001 32 1 10}.
 */
public class MnistEpochs {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LearningRateSchedule schedule = LearningRateSchedule.valueOf(args[1].toUpperCase(Locale.ROOT));
        float lr = Float.parseFloat(args[2]);
        int batch = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        int epochs = Integer.parseInt(args[5]);
        Dataset all = IdxReader.read(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"));
        Dataset test = IdxReader.read(dir.resolve("t10k-images.idx"), dir.resolve("t10k-labels.idx"), all.classes());
        Dataset.Split tv = all.split(0.1, seed + 1, true);
        Network net = Network.create(NetworkSpec.of(new int[] {784, 256, 10}, Activation.RELU, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY), seed);
        StringBuilder line = new StringBuilder();
        TrainingListener perEpoch = new TrainingListener() {
            @Override
            public void epochEnd(EpochResult r) {
                double acc = 100 * Trainer.evaluate(net, test).accuracy();
                System.out.printf(Locale.ROOT, "epoch %2d  validation %6.2f %%  test %6.2f %%  %5.1f s%n",
                        r.epoch(), 100 * r.validationAccuracy(), acc, r.seconds());
                line.append(String.format(Locale.ROOT, " | %.2f", acc));
            }
        };
        Trainer.builder().epochs(epochs).batchSize(batch).seed(seed).optimizer(new Adam(lr))
                .learningRateSchedule(schedule).listener(perEpoch).build().fit(net, tv.first(), tv.second());
        System.out.printf(Locale.ROOT, "%s lr %s batch %d seed %d%s |%n", schedule.label(), args[2], batch, seed, line);
    }
}
