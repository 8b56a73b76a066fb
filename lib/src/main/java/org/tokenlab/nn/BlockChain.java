package org.tokenlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Runs single-input blocks one after another, as DJL's {@code SequentialBlock} does, but over
 * blocks that the owner registered under readable names ({@code down0_res1}, {@code mid_attention}).
 * Not API.
 */
final class BlockChain {

    private BlockChain() {}

    /** {@code x} through every block in order. */
    static NDArray forward(List<Block> blocks, ParameterStore ps, NDArray x, boolean training) {
        NDList h = new NDList(x);
        for (Block block : blocks) {
            h = block.forward(ps, h, training);
        }
        return h.singletonOrThrow();
    }

    /** The shape that {@code input} has after every block. */
    static Shape outputShape(List<Block> blocks, Shape input) {
        Shape s = input;
        for (Block block : blocks) {
            s = block.getOutputShapes(new Shape[] {s})[0];
        }
        return s;
    }

    /** Initializes every block for the shape it will see; returns the final shape. */
    static Shape initialize(List<Block> blocks, NDManager manager, DataType dataType, Shape input) {
        Shape s = input;
        for (Block block : blocks) {
            block.initialize(manager, dataType, s);
            s = block.getOutputShapes(new Shape[] {s})[0];
        }
        return s;
    }
}
