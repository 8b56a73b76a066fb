package org.tokenlab.nn;

/**
 * What a padded border holds, as PyTorch's {@code padding_mode} names it. For an axis
 * {@code [a b c d]} padded by 2 on each side:
 *
 * <ul>
 *   <li>{@link #ZEROS}: {@code [0 0 a b c d 0 0]}, what DJL's convolutions and {@code NDArray.pad} do;
 *   <li>{@link #REFLECT}: {@code [c b a b c d c b]}, mirrored at the edge without repeating it
 *       (PyTorch's {@code "reflect"}, NumPy's {@code "reflect"}, TensorFlow's {@code "REFLECT"});
 *       needs a pad smaller than the axis;
 *   <li>{@link #REPLICATE}: {@code [a a a b c d d d]}, the edge repeated (NumPy's {@code "edge"}).
 * </ul>
 *
 * <p>MAGVIT (Yu et al. 2023, arXiv 2212.05199, Section 3.1) pads its 3D VQ autoencoder with
 * reflection instead of zeros: a constant region then stays constant up to the border, and the
 * network need not learn where the video ends. {@link Padding} pads with any mode.
 *
 * <pre>{@code
 * jshell> PaddingMode.REFLECT.source(-2, 4)   // 2: the element at index -2 of an axis of 4 mirrors index 2
 * jshell> PaddingMode.REPLICATE.source(5, 4)  // 3: past the end, the last element
 * }</pre>
 */
public enum PaddingMode {

    /** Zeros beyond the edge. */
    ZEROS,

    /** The axis mirrored at its first and last element, which are not repeated. */
    REFLECT,

    /** The first and last element repeated. */
    REPLICATE;

    /**
     * The index of the element of an axis of {@code size} that position {@code position} of the
     * padded axis shows, counting positions from the axis's first element (the padding before it is
     * negative). Defined for {@link #REFLECT} when {@code -size < position < 2 * size - 1}, and for
     * {@link #REPLICATE} everywhere; {@link #ZEROS} has no source and fails.
     */
    public long source(long position, long size) {
        if (position >= 0 && position < size) {
            return position;
        }
        return switch (this) {
            case REFLECT -> position < 0 ? -position : 2 * (size - 1) - position;
            case REPLICATE -> position < 0 ? 0 : size - 1;
            case ZEROS -> throw new IllegalArgumentException("PaddingMode.ZEROS pads with zeros, which no element of "
                    + "the input holds; ask REFLECT or REPLICATE for a source, or pad with Padding.pad");
        };
    }

    /** The largest pad this mode allows on either side of an axis of {@code size}: {@code size - 1} for REFLECT. */
    public long largestPad(long size) {
        return this == REFLECT ? size - 1 : Long.MAX_VALUE;
    }
}
