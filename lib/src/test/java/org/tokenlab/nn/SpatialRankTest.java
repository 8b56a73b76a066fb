package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import org.junit.jupiter.api.Test;

class SpatialRankTest {

    @Test
    void ofAcceptsTwoAndThreeOnly() {
        assertEquals(SpatialRank.TWO, SpatialRank.of(2));
        assertEquals(SpatialRank.THREE, SpatialRank.of(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpatialRank.of(1));
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
        assertTrue(e.getMessage().contains("SpatialRank.THREE"), e.getMessage());
    }

    @Test
    void describesItsInputs() {
        assertEquals("(B, C, H, W)", SpatialRank.TWO.layout());
        assertEquals("(B, C, T, H, W)", SpatialRank.THREE.layout());
        assertEquals(4, SpatialRank.TWO.inputDimension());
        assertEquals(5, SpatialRank.THREE.inputDimension());
        assertTrue(SpatialRank.THREE.matches(new Shape(1, 2, 3, 4, 5)));
        assertEquals(new Shape(7, 7, 7), SpatialRank.THREE.uniform(7));
    }

    @Test
    void sameConvolutionKeepsTheSizeInItsRank() {
        assertInstanceOf(Conv2d.class, SpatialRank.TWO.sameConvolution(4, 3));
        Block conv = SpatialRank.THREE.sameConvolution(4, 3);
        assertInstanceOf(Conv3d.class, conv);
        try (NDManager m = NDManager.newBaseManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(2, 3, 5, 6, 7));
            assertEquals(new Shape(2, 4, 5, 6, 7), conv.getOutputShapes(new Shape[] {new Shape(2, 3, 5, 6, 7)})[0]);
            assertEquals(new Shape(4, 3, 3, 3, 3), conv.getParameters().get("weight").getArray().getShape());
        }
    }

    @Test
    void aConvolutionWithoutBiasHasOnlyAWeight() {
        Block conv = SpatialRank.THREE.convolution(4, new Shape(1, 1, 1), new Shape(1, 1, 1), new Shape(0, 0, 0), false);
        try (NDManager m = NDManager.newBaseManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(2, 3, 4, 4, 4));
            assertEquals(java.util.List.of("weight"), conv.getParameters().keys());
        }
    }

    @Test
    void sameConvolutionWithAPaddingModeKeepsDjlsParameterNames() {
        assertInstanceOf(Conv3d.class, SpatialRank.THREE.sameConvolution(4, 3, PaddingMode.ZEROS));
        Block reflect = SpatialRank.THREE.sameConvolution(4, 3, PaddingMode.REFLECT);
        assertInstanceOf(PaddedConvolution.class, reflect);
        try (NDManager m = NDManager.newBaseManager()) {
            reflect.initialize(m, DataType.FLOAT32, new Shape(2, 3, 5, 6, 7));
            assertEquals(java.util.List.of("weight", "bias"), reflect.getParameters().keys());
            assertEquals(new Shape(4, 3, 3, 3, 3), reflect.getParameters().get("weight").getArray().getShape());
            assertEquals(new Shape(2, 4, 5, 6, 7), reflect.getOutputShapes(new Shape[] {new Shape(2, 3, 5, 6, 7)})[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> SpatialRank.TWO.sameConvolution(4, 2, PaddingMode.REFLECT));
    }

    @Test
    void refusesShapesOfTheWrongRank() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpatialRank.THREE.convolution(4, new Shape(3, 3), new Shape(1, 1, 1), new Shape(1, 1, 1)));
        assertTrue(e.getMessage().contains("kernel of 3 entries"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpatialRank.TWO.sameConvolution(4, 2));
    }
}
