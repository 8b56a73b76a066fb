package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scalars;
import org.tokenlab.train.Checkpoint;

/**
 * How a trained 2D kernel {@code (O, I, kh, kw)} becomes a 3D one {@code (O, I, kt, kh, kw)}, so a
 * 3D model starts from a trained 2D model (I3D, Carreira and Zisserman 2017, called this inflation).
 * MAGVIT (Yu et al. 2023, arXiv 2212.05199, Section 3.1) initializes its 3D-VQ from a 2D-VQ this way
 * and reports that {@link #CENTRAL} inflation works better than the {@link #AVERAGE} inflation of I3D.
 *
 * <ul>
 *   <li>{@link #CENTRAL}: the 2D kernel in the middle temporal slot {@code kt / 2}, zeros elsewhere. On
 *       every frame the 3D convolution then computes the 2D convolution of that frame alone, whatever
 *       its neighbours (and whatever the time padding), until training moves the other slots.
 *   <li>{@link #AVERAGE}: the 2D kernel divided by {@code kt} in every slot. A clip of one repeated
 *       frame gives the 2D output wherever the window sees only real frames; at padded frames the
 *       padding enters the sum: zeros (the default) change the first and last frames, while
 *       {@link PaddingMode#REFLECT} (MAGVIT's padding) pads a still clip with copies of its frame, so
 *       every frame gets the 2D output.
 * </ul>
 *
 * <p>The remap matches parameters by name, and a model's names do not depend on its padding
 * ({@link PaddedConvolution}), so a 2D model inflates into a reflect-padded 3D model as into a
 * zero-padded one. For the 3D model to reproduce the 2D model's features on a still clip, both need
 * the same padding in space.
 *
 * <p>Any other tensor is copied when its shape equals the target's (biases, norm scales, a 3D
 * kernel already); a 2D kernel {@code (O, I, kh, kw)} inflates into any {@code (O, I, kt, kh, kw)},
 * {@code kt = 1} included (a 1x1 shortcut becomes 1x1x1). Nothing else fits: the error names both
 * shapes. We have not compared the rule with the official JAX code (google-research/magvit) line by
 * line; this class follows the paper's description.
 *
 * <pre>{@code
 * jshell> var kernel2d = manager.randomNormal(new Shape(8, 4, 3, 3));
 * jshell> Inflation.CENTRAL.inflate(kernel2d, new Shape(8, 4, 3, 3, 3))   // (8, 4, 3, 3, 3), slot 1 holds kernel2d
 * jshell> Checkpoint.Remap remap = Inflation.CENTRAL.remap();               // for Checkpoint.load(file, model3d, manager, remap)
 * }</pre>
 */
public enum Inflation {

    /** The 2D kernel in the middle temporal slot, zeros in the others. */
    CENTRAL,

    /** The 2D kernel divided by the temporal size in every slot. */
    AVERAGE;

    /**
     * {@code kernel2d} {@code (O, I, kh, kw)} inflated to {@code target3d} {@code (O, I, kt, kh, kw)}, or
     * a copy of any tensor whose shape is already {@code target3d}. A new array on {@code kernel2d}'s
     * manager, made by the engine; the argument is not changed.
     *
     * @throws IllegalArgumentException when the shapes differ other than by the added temporal axis
     */
    public NDArray inflate(NDArray kernel2d, Shape target3d) {
        return inflate("the kernel", kernel2d, target3d);
    }

    /**
     * A checkpoint remap that loads each parameter of a 3D model from the 2D model's tensor of the same
     * name through {@link #inflate}; a parameter the checkpoint lacks gets null (and the load names it).
     *
     * @see Checkpoint#load(java.nio.file.Path, ai.djl.nn.Block, ai.djl.ndarray.NDManager, Checkpoint.Remap)
     */
    public Checkpoint.Remap remap() {
        return (name, expected, stored) -> {
            NDArray tensor = stored.get(name);
            return tensor == null ? null : inflate("parameter '" + name + "'", tensor, expected);
        };
    }

    private NDArray inflate(String what, NDArray tensor, Shape target) {
        Checks.notNull(tensor, "kernel2d");
        Checks.notNull(target, "target3d");
        Shape source = tensor.getShape();
        if (source.equals(target)) {
            return tensor.duplicate();
        }
        boolean fits = source.dimension() == 4 && target.dimension() == 5 && target.get(2) >= 1
                && source.get(0) == target.get(0) && source.get(1) == target.get(1)
                && source.get(2) == target.get(3) && source.get(3) == target.get(4);
        Checks.require(fits, "%s inflation cannot make %s of shape %s from the stored shape %s: a 2D kernel "
                        + "(O, I, kh, kw) inflates into (O, I, kt, kh, kw) and anything else must have the target's shape; "
                        + "build the 3D model with the 2D model's channels and spatial kernel sizes, or map this "
                        + "parameter with your own Checkpoint.Remap", this, what, Checks.describe(target),
                Checks.describe(source));
        long slots = target.get(2);
        try (NDArray slice = tensor.expandDims(2)) {                               // (O, I, 1, kh, kw)
            if (this == AVERAGE) {
                try (NDArray divisor = Scalars.of(tensor, slots); NDArray scaled = slice.div(divisor)) {
                    return scaled.repeat(2, slots);                                // (O, I, kt, kh, kw)
                }
            }
            NDArray inflated = tensor.getManager().zeros(target, tensor.getDataType());
            inflated.set(new NDIndex(":, :, " + slots / 2 + ":" + (slots / 2 + 1)), slice);
            return inflated;
        }
    }
}
