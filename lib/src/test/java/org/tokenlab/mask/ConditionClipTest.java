package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Condition clips on clips small enough to write out: frame i of the clip holds i / 10 + pixel / 100. */
class ConditionClipTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** (1, 1, T, H, W), value at (t, y, x) = t / 10 + (y * W + x) / 100. */
    private NDArray clip(int frames, int h, int w) {
        float[] v = new float[frames * h * w];
        for (int t = 0; t < frames; t++) {
            for (int p = 0; p < h * w; p++) {
                v[t * h * w + p] = t / 10f + p / 100f;
            }
        }
        return manager.create(v, new Shape(1, 1, frames, h, w));
    }

    private static float[] frame(NDArray clip, int t) {
        return clip.get(":, :, " + t).toFloatArray();
    }

    @Test
    void framePredictionRepeatsTheLastGivenFrame() {
        NDArray real = clip(4, 1, 2);
        NDArray c = MagvitTask.FRAME_PREDICTION.conditionClip(real, new ConditionFrames(2, 1));
        assertEquals(real.getShape(), c.getShape());
        assertArrayEquals(new float[] {0f, 0.01f}, frame(c, 0), 1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.11f}, frame(c, 1), 1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.11f}, frame(c, 2), 1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.11f}, frame(c, 3), 1e-6f);
    }

    @Test
    void frameInterpolationBlendsBetweenTheGivenEnds() {
        NDArray real = manager.create(new float[] {-1, 9, 9, 1, 0.5f}, new Shape(1, 1, 5, 1, 1));
        // frames 0 and 4 given; 1..3 = start + (end - start) * k / 4 with start -1, end 0.5
        NDArray c = MagvitTask.FRAME_INTERPOLATION.conditionClip(real);
        assertArrayEquals(new float[] {-1, -0.625f, -0.25f, 0.125f, 0.5f}, c.toFloatArray(), 1e-6f);
        NDArray two = manager.create(new float[] {-1, 1, 9, 9, 0, 1}, new Shape(1, 1, 6, 1, 1));
        // frames 0, 1 and 4, 5 given; 2 and 3 from frame 1 (1) to frame 4 (0)
        assertArrayEquals(new float[] {-1, 1, 2 / 3f, 1 / 3f, 0, 1},
                MagvitTask.FRAME_INTERPOLATION.conditionClip(two, new ConditionFrames(2, 1)).toFloatArray(), 1e-6f);
    }

    @Test
    void outpaintingRepeatsTheEdgeOfTheGivenBox() {
        NDArray real = clip(1, 4, 4);                         // pixel values p / 100, p = y * 4 + x
        NDArray c = MagvitTask.CENTRAL_OUTPAINTING.conditionClip(real);   // box rows 1..2, columns 1..2
        assertArrayEquals(new float[] {
            0.05f, 0.05f, 0.06f, 0.06f,
            0.05f, 0.05f, 0.06f, 0.06f,
            0.09f, 0.09f, 0.10f, 0.10f,
            0.09f, 0.09f, 0.10f, 0.10f}, c.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {
            0.01f, 0.01f, 0.02f, 0.02f,
            0.05f, 0.05f, 0.06f, 0.06f,
            0.09f, 0.09f, 0.10f, 0.10f,
            0.13f, 0.13f, 0.14f, 0.14f}, MagvitTask.VERTICAL_OUTPAINTING.conditionClip(real).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {
            0.04f, 0.05f, 0.06f, 0.07f,
            0.04f, 0.05f, 0.06f, 0.07f,
            0.08f, 0.09f, 0.10f, 0.11f,
            0.08f, 0.09f, 0.10f, 0.11f}, MagvitTask.HORIZONTAL_OUTPAINTING.conditionClip(real).toFloatArray(), 1e-6f);
    }

    @Test
    void inpaintingAndDynamicTasksFillWithBlack() {
        NDArray real = clip(1, 4, 4);
        float f = MagvitTask.FILL;
        assertArrayEquals(new float[] {
            0.00f, 0.01f, 0.02f, 0.03f,
            0.04f, f, f, 0.07f,
            0.08f, f, f, 0.11f,
            0.12f, 0.13f, 0.14f, 0.15f}, MagvitTask.CENTRAL_INPAINTING.conditionClip(real).toFloatArray(), 1e-6f);
        NDArray moving = clip(3, 1, 4);                       // window x(t) = 0, 1, 2 of width 2
        NDArray c = MagvitTask.DYNAMIC_OUTPAINTING.conditionClip(moving);
        assertArrayEquals(new float[] {0, 0.01f, f, f}, frame(c, 0), 1e-6f);
        assertArrayEquals(new float[] {f, 0.11f, 0.12f, f}, frame(c, 1), 1e-6f);
        assertArrayEquals(new float[] {f, f, 0.22f, 0.23f}, frame(c, 2), 1e-6f);
        NDArray cg = MagvitTask.CLASS_CONDITIONAL_GENERATION.conditionClip(real);
        assertEquals(16, cg.eq(f).sum().getLong());
    }

    @Test
    void aBatchOfClipsWithChannelsGetsEachClipsOwnCondition() {
        NDArray one = clip(4, 4, 4);
        NDArray batch = NDArrays.concat(new NDList(one, one.add(1), one.add(2)), 0).repeat(1, 2);   // (3, 2, 4, 4, 4)
        for (MagvitTask task : MagvitTask.values()) {
            NDArray single = task.conditionClip(one);
            NDArray c = task.conditionClip(batch);
            assertEquals(batch.getShape(), c.getShape(), task.name());
            for (int b = 0; b < 3; b++) {
                for (int ch = 0; ch < 2; ch++) {
                    NDArray expected = task.conditionClip(one.add(b));
                    assertArrayEquals(expected.toFloatArray(), c.get(b + ":" + (b + 1) + ", " + ch + ":" + (ch + 1)).toFloatArray(),
                            1e-6f, task.name() + " clip " + b + " channel " + ch);
                }
            }
            assertEquals(single.getShape(), one.getShape(), task.name());
        }
    }

    @Test
    void theResultBelongsToTheClipsManagerAndTheClipIsUnchanged() {
        NDArray real = clip(4, 4, 4);
        float[] before = real.toFloatArray();
        for (MagvitTask task : MagvitTask.values()) {
            NDArray c = task.conditionClip(real);
            assertEquals(manager, c.getManager(), task.name());
            assertEquals(real.getShape(), c.getShape(), task.name());
        }
        assertArrayEquals(before, real.toFloatArray());
    }
}
