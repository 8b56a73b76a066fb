package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import org.tokenlab.nn.Upsample;

/**
 * The small convolutional networks of the CPU speed report, built from DJL's blocks and the
 * library's nearest resize; bench/python/torch_models.py has their PyTorch twins.
 */
final class SmallNetworks {

    private SmallNetworks() {}

    /** Four 3x3 convolutions 1 -> 64 -> 64 -> 64 -> 1 with ReLU between; (B, 1, H, W) to the same shape. */
    static Block convStack() {
        return new SequentialBlock()
                .add(conv(64, 1)).add(Activation.reluBlock())
                .add(conv(64, 1)).add(Activation.reluBlock())
                .add(conv(64, 1)).add(Activation.reluBlock())
                .add(conv(1, 1));
    }

    /**
     * Two strided 3x3 convolutions down (1 -> 32 -> 64, H/4), then twice a nearest resize by 2 and a
     * 3x3 convolution (64 -> 32 -> 1); (B, 1, H, W) to the same shape.
     */
    static Block autoencoder() {
        return new SequentialBlock()
                .add(conv(32, 2)).add(Activation.reluBlock())
                .add(conv(64, 2)).add(Activation.reluBlock())
                .add(nearest()).add(conv(32, 1)).add(Activation.reluBlock())
                .add(nearest()).add(conv(1, 1));
    }

    /** The library's nearest resize by 2 ({@link Upsample#nearest}) as a block. */
    static Block nearest() {
        return new LambdaBlock(in -> new NDList(Upsample.nearest(in.singletonOrThrow())), "nearest");
    }

    /** A 3x3 convolution with padding 1 and the given stride, with bias. */
    static Conv2d conv(int filters, int stride) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(1, 1)).build();
    }
}
