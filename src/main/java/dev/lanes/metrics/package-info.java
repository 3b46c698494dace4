/**
 * How good a trained model is: {@link dev.lanes.metrics.ClassificationMetrics} (confusion matrix,
 * per-class precision, recall and F1 with macro and weighted averages, top-k accuracy, log loss)
 * and {@link dev.lanes.metrics.RegressionMetrics} (MAE, RMSE, R²), computed from a model's outputs
 * and the true labels or targets, in double.
 */
package dev.lanes.metrics;
