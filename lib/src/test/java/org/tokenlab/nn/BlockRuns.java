package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** What the 2D-versus-3D block tests share: run a block in inference mode, repeat a frame into a clip, compare. */
final class BlockRuns {

    private BlockRuns() {}

    /** {@code block} on {@code x} in inference mode, initialized for {@code x}'s shape first if it is not yet. */
    static NDArray run(Block block, NDArray x) {
        if (!block.isInitialized()) {
            block.initialize(x.getManager(), DataType.FLOAT32, x.getShape());
        }
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow();
    }

    /** {@code frames} copies of images {@code (B, C, H, W)} as a clip {@code (B, C, T, H, W)}. */
    static NDArray clip(NDArray images, int frames) {
        NDList copies = new NDList();
        for (int t = 0; t < frames; t++) {
            copies.add(images);
        }
        return NDArrays.stack(copies, 2);
    }

    /** The largest absolute difference between two arrays of one shape. */
    static float maxDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
