package org.tokenlab.bench.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

/** One 3x3 convolution 64 -> 64 with padding 1, forward only, on a batch (64, 64, 16, 16). */
final class ConvForward implements Workload {

    static final Shape BATCH = new Shape(64, 64, 16, 16);

    private final NDManager manager;
    private final Conv2d conv;
    private final NDArray features;
    private final ParameterStore parameters;

    ConvForward(NDManager manager) {
        this.manager = manager.newSubManager();
        this.conv = SmallNetworks.conv(64, 1);
        conv.initialize(this.manager, DataType.FLOAT32, BATCH);
        this.features = this.manager.randomNormal(BATCH);
        this.parameters = new ParameterStore(this.manager, false);
    }

    @Override
    public long parameterCount() {
        return Parameters.count(conv);
    }

    @Override
    public void step() {
        try (NDManager scope = manager.newSubManager()) {
            features.tempAttach(scope);
            NDArray out = conv.forward(parameters, new NDList(features), false).singletonOrThrow();
            out.getFloat(0, 0, 0, 0);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
