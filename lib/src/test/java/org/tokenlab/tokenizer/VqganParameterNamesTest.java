package org.tokenlab.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenlab.quantize.VectorQuantizer;

/**
 * The tokenizer's parameter names are what a checkpoint is keyed by; they come from the names its
 * blocks are added under, never from class names, so checkpoints written before a class is renamed
 * still load. The expected list was written down from the tokenizer before its encoder and decoder
 * classes were renamed.
 */
class VqganParameterNamesTest {

    static List<String> expectedNames() throws IOException {
        try (InputStream in = VqganParameterNamesTest.class.getResourceAsStream("vqgan-parameter-names.txt")) {
            return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\n"));
        }
    }

    static VqganTokenizer tokenizer() {
        VqganConfig config = VqganConfig.builder().setImageChannels(1).optBaseChannels(8).optChannelMultipliers(1, 2)
                .optResidualBlocks(1).optAttention(true).optGroups(4).optLatentChannels(4).build();
        return VqganTokenizer.of(config, VectorQuantizer.builder().setCodebookSize(16).setCodeDimension(4).build());
    }

    @Test
    void parameterNamesAreTheOnesCheckpointsWereWrittenWith() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            VqganTokenizer t = tokenizer();
            t.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            assertEquals(expectedNames(), t.getParameters().keys());
        }
    }
}
