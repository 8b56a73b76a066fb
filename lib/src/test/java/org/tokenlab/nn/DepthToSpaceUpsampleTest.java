package org.tokenlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DepthToSpaceUpsampleTest {

    @Test
    void fourChannelsBecomeATwoByTwoSquare() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4, 1, 1, 1));
            NDArray y = DepthToSpaceUpsample.depthToSpace(x, 1, 2, 2);
            assertEquals(new Shape(1, 1, 1, 2, 2), y.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, y.toFloatArray());   // rows [1 2] [3 4]
        }
    }

    @Test
    void depthToSpaceMatchesAHandRearrangement() {
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 2;
            int[] f = {2, 3, 2};
            int t = 2;
            int h = 2;
            int w = 3;
            int channels = c * f[0] * f[1] * f[2];
            NDArray x = m.arange(0f, 2f * channels * t * h * w, 1f).reshape(2, channels, t, h, w);
            float[] in = x.toFloatArray();
            float[] out = DepthToSpaceUpsample.depthToSpace(x, f).toFloatArray();
            int outT = t * f[0];
            int outH = h * f[1];
            int outW = w * f[2];
            assertEquals(2 * c * outT * outH * outW, out.length);
            for (int b = 0; b < 2; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int ot = 0; ot < outT; ot++) {
                        for (int oh = 0; oh < outH; oh++) {
                            for (int ow = 0; ow < outW; ow++) {
                                int source = ((ch * f[0] + ot % f[0]) * f[1] + oh % f[1]) * f[2] + ow % f[2];
                                int from = (((b * channels + source) * t + ot / f[0]) * h + oh / f[1]) * w + ow / f[2];
                                int to = (((b * c + ch) * outT + ot) * outH + oh) * outW + ow;
                                assertEquals(in[from], out[to], "at " + b + "," + ch + "," + ot + "," + oh + "," + ow);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void blockDropsTheExtraLeadingFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a 1x1x1 identity convolution: the block is depth-to-space with the first sT - 1 frames dropped
            DepthToSpaceUpsample up = DepthToSpaceUpsample.builder().setFilters(1).optKernelSize(1).build();
            NDArray x = m.randomNormal(new Shape(1, 8, 3, 2, 2));
            up.initialize(m, DataType.FLOAT32, x.getShape());
            TestParameters.named(up, "conv_weight").getArray().set(m.eye(8).toFloatArray());
            TestParameters.named(up, "conv_bias").getArray().set(new float[8]);
            NDArray y = BlockRuns.run(up, x);
            assertEquals(new Shape(1, 1, 5, 4, 4), y.getShape());   // 1 + 2 latent frames -> 1 + 2*2
            NDArray full = DepthToSpaceUpsample.depthToSpace(x, 2, 2, 2);   // 6 frames
            assertEquals(0f, BlockRuns.maxDifference(full.get(new NDIndex(":, :, 1:")), y), 1e-6f);
            // frame 0 holds latent frame 0's second half (channels with i = 1), frames 1-2 latent frame 1
            assertEquals(x.get(new NDIndex("0, 4, 0, 0, 0")).getFloat(), y.get(new NDIndex("0, 0, 0, 0, 0")).getFloat(), 1e-6f);
            assertEquals(x.get(new NDIndex("0, 0, 1, 1, 1")).getFloat(), y.get(new NDIndex("0, 0, 1, 2, 2")).getFloat(), 1e-6f);
            assertEquals(x.get(new NDIndex("0, 7, 2, 0, 1")).getFloat(), y.get(new NDIndex("0, 0, 4, 1, 3")).getFloat(), 1e-6f);
        }
    }

    @Test
    void downThenUpRestoresTheShapeForCausalFrameCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int frames : new int[] {1, 5, 9, 17}) {
                CausalConv3d down = CausalConv3d.builder().setFilters(8).optStride(2, 2, 2).build();
                DepthToSpaceUpsample up = DepthToSpaceUpsample.builder().setFilters(3).build();
                NDArray x = m.randomNormal(new Shape(2, 3, frames, 8, 8));
                NDArray latent = BlockRuns.run(down, x);
                assertEquals(new Shape(2, 8, 1 + (frames - 1) / 2, 4, 4), latent.getShape());
                NDArray y = BlockRuns.run(up, latent);
                assertEquals(x.getShape(), y.getShape(), frames + " frames");
                assertEquals(y.getShape(), up.getOutputShapes(new Shape[] {latent.getShape()})[0]);
            }
        }
    }

    @Test
    void spaceOnlyFactorsKeepTheFrames() {
        try (NDManager m = NDManager.newBaseManager()) {
            DepthToSpaceUpsample up = DepthToSpaceUpsample.builder().setFilters(2).optFactors(1, 2, 2).build();
            assertEquals(new Shape(1, 2, 5, 6, 8), BlockRuns.run(up, m.randomNormal(new Shape(1, 4, 5, 3, 4))).getShape());
        }
    }

    @Test
    void outputFramesDependOnlyOnTheirLatentFrameAndEarlier() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(21);
            DepthToSpaceUpsample up = DepthToSpaceUpsample.builder().setFilters(2).build();
            NDArray z = m.randomNormal(new Shape(1, 4, 5, 3, 3));
            NDArray y = BlockRuns.run(up, z);                                       // 1 + 2*4 = 9 frames
            for (int latent = 0; latent < 5; latent++) {
                NDArray changed = BlockRuns.run(up, CausalConv3dTest.withFutureChanged(z, latent));
                long kept = 1 + 2L * latent;                                        // frames 0 .. 2*latent
                assertEquals(0f, BlockRuns.maxDifference(CausalConv3dTest.frames(y, 0, kept),
                        CausalConv3dTest.frames(changed, 0, kept)), 1e-6f, "latent frames after " + latent + " changed");
                if (kept < 9) {
                    assertTrue(BlockRuns.maxDifference(CausalConv3dTest.frames(y, kept, 9),
                            CausalConv3dTest.frames(changed, kept, 9)) > 1e-3f);
                }
            }
        }
    }

    @Test
    void badInputsAreExplained() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DepthToSpaceUpsample.depthToSpace(m.zeros(new Shape(1, 6, 1, 2, 2)), 2, 2, 2));
            assertTrue(e.getMessage().contains("multiple of 8") && e.getMessage().contains("(1, 6, 1, 2, 2)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DepthToSpaceUpsample.depthToSpace(m.zeros(new Shape(1, 8, 2, 2)), 2, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> DepthToSpaceUpsample.depthToSpace(m.zeros(new Shape(1, 8, 1, 2, 2)), 2, 2));
            DepthToSpaceUpsample up = DepthToSpaceUpsample.builder().setFilters(2).build();
            e = assertThrows(IllegalArgumentException.class, () -> up.initialize(m, DataType.FLOAT32, new Shape(1, 4, 4, 4)));
            assertTrue(e.getMessage().contains("(B, C, 1 + k, H, W)") && e.getMessage().contains("(1, 4, 4, 4)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DepthToSpaceUpsample.builder().setFilters(2).optFactors(0, 2, 2).build());
            assertThrows(IllegalArgumentException.class, () -> DepthToSpaceUpsample.builder().setFilters(2).optKernelSize(2).build());
            assertThrows(IllegalArgumentException.class, () -> DepthToSpaceUpsample.builder().build());
        }
    }
}
