/**
 * Model and checkpoint files: a versioned, checksummed, little-endian binary format
 * ({@link dev.lanes.io.ModelFile} documents every byte) written atomically
 * ({@link dev.lanes.io.AtomicFiles}). Depends on the JDK only.
 */
package dev.lanes.io;
