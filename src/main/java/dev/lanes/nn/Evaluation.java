package dev.lanes.nn;

/**
 * Loss and accuracy of a network on a set of examples.
 *
 * @param loss     the mean cost over the examples (the network's {@link Loss})
 * @param correct  examples classified correctly (see {@link Network#evaluate})
 * @param examples examples evaluated
 */
public record Evaluation(double loss, int correct, int examples) {

    /** correct / examples, in [0, 1]; 0 for no examples. */
    public double accuracy() {
        return examples == 0 ? 0 : (double) correct / examples;
    }
}
