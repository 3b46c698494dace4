/**
 * The {@code lanes} command-line tool: {@code info}, {@code bench}, {@code train}, {@code eval},
 * {@code predict} and {@code gradcheck}, built with picocli.
 *
 * <h2>Why the tool can live in the library's jar</h2>
 * This package is the only one that uses picocli and XChart. The build declares them
 * as optional Maven dependencies and the module descriptor reads them with {@code requires static},
 * so a program that depends on Lanes gets none of them and the core packages ({@code kernel},
 * {@code nn}, {@code optim}, {@code data}, {@code train}, {@code io}) load and run with the JDK
 * alone. The {@code lanes} launcher script puts the two libraries on the class path; nothing
 * else needs them.
 *
 * <h2>Exit codes</h2>
 * 0 success; 1 failure (a gradient check above its threshold, an I/O or internal error);
 * 2 usage error (unknown option, malformed or out-of-range value); 3 bad input data or model file,
 * with a message naming the file and the problem. See {@link dev.lanes.cli.ExitCodes}.
 */
package dev.lanes.cli;
