package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.tokenlab.nn.BlockRuns.maxDifference;
import static org.tokenlab.nn.BlockRuns.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The padded same-size convolution against padding followed by an unpadded DJL convolution. */
class PaddedConvolutionTest {

    private static Shape input(SpatialRank rank) {
        return rank == SpatialRank.TWO ? new Shape(2, 3, 6, 5) : new Shape(2, 3, 4, 6, 5);
    }

    private static PaddedConvolution padded(SpatialRank rank, PaddingMode mode) {
        return PaddedConvolution.builder().setFilters(4).setKernelSize(3).setPadding(mode).optSpatialRank(rank).build();
    }

    /** A Padding block by 1 and a convolution without padding, with {@code like}'s weight and bias. */
    private static Block paddingThenConvolution(NDManager m, SpatialRank rank, PaddingMode mode, Block like, Shape in) {
        Block sequence = new SequentialBlock()
                .add(Padding.builder().setMode(mode).setUniformAmount(rank, 1).build())
                .add(rank.convolution(4, rank.uniform(3), rank.uniform(1), rank.uniform(0)));
        sequence.initialize(m, DataType.FLOAT32, in);
        copyParameters(like, sequence);
        return sequence;
    }

    /** Sets each parameter of {@code to} to the parameter of {@code from} whose name it ends with. */
    private static void copyParameters(Block from, Block to) {
        for (var p : to.getParameters()) {
            String name = p.getKey().endsWith("weight") ? "weight" : "bias";
            p.getValue().getArray().set(new NDIndex(":"), from.getParameters().get(name).getArray());
        }
    }

    @Test
    void equalsPaddingThenAConvolutionWithoutPadding() {
        for (SpatialRank rank : SpatialRank.values()) {
            for (PaddingMode mode : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.REPLICATE}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    m.getEngine().setRandomSeed(51);
                    NDArray x = m.randomNormal(input(rank));
                    PaddedConvolution conv = padded(rank, mode);
                    NDArray out = run(conv, x);
                    assertEquals(conv.getOutputShapes(new Shape[] {x.getShape()})[0], out.getShape());
                    Block reference = rank.convolution(4, rank.uniform(3), rank.uniform(1), rank.uniform(0));
                    reference.initialize(m, DataType.FLOAT32, x.getShape());
                    copyParameters(conv, reference);
                    NDArray expected = run(reference, Padding.uniform(x, mode, 1));
                    assertEquals(0f, maxDifference(expected, out), 1e-5f, rank + " " + mode);
                }
            }
        }
    }

    @Test
    void itsGradientsAreThoseOfThePaddingBlockFollowedByAConvolution() {
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(52);
                Shape in = input(rank);
                PaddedConvolution conv = padded(rank, PaddingMode.REFLECT);
                conv.initialize(m, DataType.FLOAT32, in);
                Block sequence = paddingThenConvolution(m, rank, PaddingMode.REFLECT, conv, in);
                NDArray x = m.randomNormal(in);
                NDArray upstream = m.randomNormal(conv.getOutputShapes(new Shape[] {in})[0]);
                List<NDArray> mine = gradients(conv, x, upstream);
                List<NDArray> theirs = gradients(sequence, x, upstream);
                for (int i = 0; i < 3; i++) {                                       // input, weight, bias
                    assertTrue(Float.isFinite(mine.get(i).abs().sum().getFloat()), rank + " gradient " + i);
                    assertEquals(0f, maxDifference(theirs.get(i), mine.get(i)), 1e-4f, rank + " gradient " + i);
                }
            }
        }
    }

    /** The gradients of {@code sum(block(x) * upstream)} with respect to x, the weight and the bias. */
    private static List<NDArray> gradients(Block block, NDArray input, NDArray upstream) {
        NDManager m = input.getManager();
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        List<Parameter> parameters = block.getParameters().values();
        for (Parameter p : parameters) {
            p.getArray().setRequiresGradient(true);
        }
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
            gc.backward(out.mul(upstream).sum());
        }
        return List.of(x.getGradient(), parameters.get(0).getArray().getGradient(),
                parameters.get(1).getArray().getGradient());
    }

    @Test
    void zeroPaddingComputesWhatDjlsConvolutionComputes() {
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(53);
                NDArray x = m.randomNormal(input(rank));
                PaddedConvolution conv = padded(rank, PaddingMode.ZEROS);
                NDArray out = run(conv, x);
                Block djl = rank.sameConvolution(4, 3);
                djl.initialize(m, DataType.FLOAT32, x.getShape());
                copyParameters(conv, djl);
                assertEquals(0f, maxDifference(run(djl, x), out), 1e-5f, rank.toString());
            }
        }
    }

    @Test
    void itsParametersHaveTheNamesShapesTypesAndInitialValuesOfDjlsConvolution() {
        for (SpatialRank rank : SpatialRank.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block djl = rank.sameConvolution(4, 3);
                m.getEngine().setRandomSeed(54);
                djl.initialize(m, DataType.FLOAT32, input(rank));
                PaddedConvolution conv = padded(rank, PaddingMode.REFLECT);
                m.getEngine().setRandomSeed(54);
                conv.initialize(m, DataType.FLOAT32, input(rank));
                assertEquals(List.of("weight", "bias"), conv.getParameters().keys());
                assertEquals(djl.getParameters().keys(), conv.getParameters().keys());
                for (String name : List.of("weight", "bias")) {
                    Parameter theirs = djl.getParameters().get(name);
                    Parameter mine = conv.getParameters().get(name);
                    assertEquals(theirs.getType(), mine.getType(), name);
                    assertEquals(theirs.getArray().getShape(), mine.getArray().getShape(), name);
                    // Xavier for the weight, zeros for the bias, drawn from the same seed
                    assertArrayEquals(theirs.getArray().toFloatArray(), mine.getArray().toFloatArray(), name);
                }
            }
        }
    }

    @Test
    void aOneByOneKernelNeedsNoPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 3, 1, 2, 2));                   // one frame: no reflection possible
            PaddedConvolution conv = PaddedConvolution.builder().setFilters(2).setKernelSize(1)
                    .setPadding(PaddingMode.REFLECT).optSpatialRank(SpatialRank.THREE).build();
            assertEquals(new Shape(1, 2, 1, 2, 2), run(conv, x).getShape());
        }
    }

    @Test
    void badSettingsAndInputsSayWhatToChange() {
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class,
                () -> PaddedConvolution.builder().setFilters(4).setKernelSize(4).setPadding(PaddingMode.REFLECT).build());
        assertTrue(even.getMessage().contains("odd setKernelSize") && even.getMessage().contains("got 4"), even.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PaddedConvolution.builder().setFilters(4).setKernelSize(3).build());
        assertThrows(IllegalArgumentException.class,
                () -> PaddedConvolution.builder().setKernelSize(3).setPadding(PaddingMode.REFLECT).build());
        try (NDManager m = NDManager.newBaseManager()) {
            PaddedConvolution video = padded(SpatialRank.THREE, PaddingMode.REFLECT);
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> video.initialize(m, DataType.FLOAT32, new Shape(2, 3, 6, 5)));
            assertTrue(rank.getMessage().contains("videos (B, C, T, H, W), got (2, 3, 6, 5)")
                    && rank.getMessage().contains("optSpatialRank"), rank.getMessage());
            PaddedConvolution image = padded(SpatialRank.TWO, PaddingMode.REFLECT);
            IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                    () -> run(image, m.zeros(new Shape(1, 3, 1, 5))));
            assertTrue(tooSmall.getMessage().contains("axis H of images (1, 3, 1, 5) has size 1"), tooSmall.getMessage());
        }
    }
}
