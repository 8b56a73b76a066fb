package org.tokenlab.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.Scalars;
import org.tokenlab.nn.Padding;
import org.tokenlab.nn.PaddingMode;

/** The pixel-space condition clips of {@link MagvitTask#conditionClip(NDArray, ConditionFrames)}. */
final class ConditionClips {

    private ConditionClips() {}

    static NDArray of(MagvitTask task, NDArray clip, ConditionFrames frames) {
        Checks.rank(clip, "MagvitTask.conditionClip clip (B, C, T, H, W)", 5);
        Checks.notNull(frames, "frames");
        Shape s = clip.getShape();
        Checks.require(s.size() > 0 && clip.getDataType().isFloating(), "MagvitTask.conditionClip expects a non-empty float "
                + "clip (B, C, T, H, W) in [-1, 1], got %s %s", clip.getDataType(), Checks.describe(s));
        NDManager owner = clip.getManager();
        try (NDManager scope = owner.newSubManager()) {
            clip.tempAttach(scope);   // temporaries land in the scope; the clip goes back when it closes
            NDArray out = switch (task) {
                case FRAME_PREDICTION, CLASS_CONDITIONAL_FRAME_PREDICTION -> edgePaddedFrames(task, clip, frames.pixelFrames());
                case FRAME_INTERPOLATION -> interpolated(task, clip, frames.pixelFrames());
                case CENTRAL_OUTPAINTING, VERTICAL_OUTPAINTING, HORIZONTAL_OUTPAINTING -> edgePaddedBox(task, clip);
                default -> filledOutside(task, clip);
            };
            out.attach(owner);
            return out;
        }
    }

    /** The first {@code p} frames, the last of them repeated to {@code T}. */
    private static NDArray edgePaddedFrames(MagvitTask task, NDArray clip, int p) {
        long frames = clip.getShape().get(2);
        task.region(new GridShape((int) frames, 1, 1), p, "frames");   // checks 0 < p < T
        NDArray given = clip.get(":, :, 0:" + p);
        return Padding.pad(given, PaddingMode.REPLICATE, 0, (int) frames - p, 0, 0, 0, 0);
    }

    /** The first and last {@code p} frames, and between them {@code start + (end - start) * k / (n + 1)}, {@code k = 1..n}. */
    private static NDArray interpolated(MagvitTask task, NDArray clip, int p) {
        int frames = (int) clip.getShape().get(2);
        task.region(new GridShape(frames, 1, 1), p, "frames");          // checks 0 < 2p < T
        int n = frames - 2 * p;
        NDArray start = clip.get(":, :, " + (p - 1) + ":" + p);          // (B, C, 1, H, W)
        NDArray end = clip.get(":, :, " + (frames - p) + ":" + (frames - p + 1));
        float[] k = new float[n];
        for (int i = 0; i < n; i++) {
            k[i] = (i + 1f) / (n + 1f);
        }
        NDArray fractions = Scalars.owned(clip.getManager().create(k, new Shape(1, 1, n, 1, 1))).toType(clip.getDataType(), false);
        NDArray middle = start.add(end.sub(start).mul(fractions));        // (B, C, n, H, W)
        return NDArrays.concat(new NDList(clip.get(":, :, 0:" + p), middle, clip.get(":, :, " + (frames - p) + ":")), 2);
    }

    /** The box of OPC, OPV or OPH, its edges repeated outwards. */
    private static NDArray edgePaddedBox(MagvitTask task, NDArray clip) {
        Shape s = clip.getShape();
        int h = (int) s.get(3);
        int w = (int) s.get(4);
        int y0 = task == MagvitTask.VERTICAL_OUTPAINTING ? 0 : h / 4;
        int y1 = task == MagvitTask.VERTICAL_OUTPAINTING ? h : h * 3 / 4;
        int x0 = task == MagvitTask.HORIZONTAL_OUTPAINTING ? 0 : w / 4;
        int x1 = task == MagvitTask.HORIZONTAL_OUTPAINTING ? w : w * 3 / 4;
        Checks.require(y1 > y0 && x1 > x0, "%s (%s) keeps rows %d..%d and columns %d..%d of %dx%d frames, which is empty; "
                + "use frames of at least 2x2 pixels", task.description(), task.shortName(), y0, y1, x0, x1, h, w);
        NDArray box = clip.get(":, :, :, " + y0 + ":" + y1 + ", " + x0 + ":" + x1);
        return Padding.pad(box, PaddingMode.REPLICATE, 0, 0, y0, h - y1, x0, w - x1);
    }

    /** The task's region of the clip's own pixel grid kept, {@link MagvitTask#FILL} elsewhere. */
    private static NDArray filledOutside(MagvitTask task, NDArray clip) {
        Shape s = clip.getShape();
        GridShape pixels = new GridShape((int) s.get(2), (int) s.get(3), (int) s.get(4));
        NDManager m = clip.getManager();
        // where() does not broadcast: the region and the fill take the clip's whole shape
        NDArray kept = task.region(pixels, 1, "frames").toNDArray(m).reshape(1, 1, s.get(2), s.get(3), s.get(4)).broadcast(s);
        NDArray fill = m.full(s, MagvitTask.FILL, clip.getDataType());
        return NDArrays.where(kept, clip, fill);
    }
}
