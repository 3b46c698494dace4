/**
 * Training data: the immutable {@link dev.lanes.data.Dataset} (float32, row-major features and
 * targets), {@link dev.lanes.data.Standardizer} fitted on training data only, seeded
 * {@link dev.lanes.data.MiniBatches}, readers for CSV ({@link dev.lanes.data.CsvReader}) and MNIST-style
 * IDX ({@link dev.lanes.data.IdxReader}) files whose errors name file, line and column
 * ({@link dev.lanes.data.MalformedDataException}), and the embedded 8×8 digits
 * ({@link dev.lanes.data.Datasets#digits()}).
 */
package dev.lanes.data;
