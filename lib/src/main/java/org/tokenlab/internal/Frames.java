package org.tokenlab.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Clips {@code (B, C, T, H, W)} seen as the images of their frames {@code (B*T, C, H, W)} and back:
 * how a 2D operation (a perceptual loss, a metric, attention within a frame) runs on videos. The
 * results are new arrays on the input's manager (the engine records the graph).
 */
public final class Frames {

    private Frames() {}

    /** {@code clips (B, C, T, H, W)} as frames {@code (B*T, C, H, W)}, clip by clip, frame by frame. */
    public static NDArray of(NDArray clips) {
        Shape s = clips.getShape();
        return clips.transpose(0, 2, 1, 3, 4).reshape(s.get(0) * s.get(2), s.get(1), s.get(3), s.get(4));
    }

    /** The inverse of {@link #of}: frames {@code (B*T, C, H, W)} back into clips of {@code clipShape (B, C', T, H', W')}'s B and T. */
    public static NDArray toClips(NDArray frames, Shape clipShape) {
        Shape f = frames.getShape();
        return frames.reshape(clipShape.get(0), clipShape.get(2), f.get(1), f.get(2), f.get(3)).transpose(0, 2, 1, 3, 4);
    }
}
