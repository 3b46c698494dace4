/**
 * Prediction for programs that embed Lanes: {@link dev.lanes.predict.Predictor}, an immutable,
 * thread-safe forward pass built from a saved model, with a batch-of-one path on the
 * matrix-vector kernel and per-thread scratch so calls allocate nothing once warm. Depends on
 * the JDK only.
 */
package dev.lanes.predict;
