/**
 * The training loop: {@link dev.lanes.train.Trainer} runs epochs of seeded mini-batches over a
 * {@link dev.lanes.data.Dataset}, reports progress to a {@link dev.lanes.train.TrainingListener},
 * evaluates a validation set, clips gradient norms, stops early on a plateau and restores the best
 * epoch's weights, refuses to continue past a NaN loss and
 * captures a {@link dev.lanes.train.TrainingState} from which a run resumes bit-identically.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder().epochs(30).batchSize(32).seed(2)
 *         .optimizer(new Adam(1e-3f)).earlyStopping(5, 0).build();
 * TrainingResult result = trainer.fit(net, train, validation);
 * Evaluation test = Trainer.evaluate(net, testSet);
 * }</pre>
 */
package dev.lanes.train;
