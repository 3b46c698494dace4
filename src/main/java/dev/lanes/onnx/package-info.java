/**
 * ONNX export and import of fully connected networks ({@link dev.lanes.onnx.Onnx}), with a
 * bounded protocol-buffer reader and writer of its own. Depends on the JDK only.
 */
package dev.lanes.onnx;
