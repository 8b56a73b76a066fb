package org.tokenlab.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.CodeAxis;

/**
 * Residual vector quantization (as in SoundStream): level 1 quantizes the features, each further
 * level quantizes what the levels before it left over, and the output is the sum of all levels'
 * codes. It composes any {@link Quantizer}s with the same code dimension (VQ, FSQ, LFQ...).
 *
 * <p>Indices get a level axis after the batch axis: features {@code (B, D, ...)} give indices
 * {@code (B, Q, ...)} ({@code (N, Q)} for {@code (N, D)}), level {@code q} at position {@code q}.
 * {@link #codebookSize()} is the size of one level (all levels must have the same size) and
 * {@link #indicesToCodes} accepts the first {@code Q' <= Q} levels, which is how coarse-to-fine
 * decoding uses fewer tokens.
 *
 * <p>Quantizer dropout (SoundStream): in training mode, with dropout on, each call uses only the
 * first {@code n} levels, {@code n} drawn uniformly from {@code [1, Q]} (one draw per batch), so
 * one model serves several bitrates. Level {@code q}'s loss parts are named {@code "level<q>.<part>"}.
 *
 * <pre>{@code
 * jshell> var rvq = ResidualQuantizer.of(List.of(vq1, vq2, vq3, vq4));
 * jshell> rvq.quantize(features).indices().getShape()   // (B, 4, H, W)
 * }</pre>
 */
public final class ResidualQuantizer implements Quantizer {

    private final List<Quantizer> levels;
    private final boolean dropout;
    private final Random random;

    private ResidualQuantizer(List<Quantizer> levels, boolean dropout, long seed) {
        this.levels = List.copyOf(levels);
        this.dropout = dropout;
        this.random = new Random(seed);
    }

    /** Residual quantization over {@code levels}, no dropout. */
    public static ResidualQuantizer of(List<? extends Quantizer> levels) {
        return of(levels, false, 0);
    }

    /** Residual quantization over {@code levels}; {@code dropout} samples the level count while training. */
    public static ResidualQuantizer of(List<? extends Quantizer> levels, boolean dropout, long seed) {
        Checks.require(levels != null && !levels.isEmpty(), "ResidualQuantizer needs at least one level quantizer");
        int d = levels.get(0).codeDimension();
        long k = levels.get(0).codebookSize();
        for (int i = 0; i < levels.size(); i++) {
            Quantizer q = Checks.notNull(levels.get(i), "level quantizer " + i);
            Checks.require(q.codeDimension() == d, "ResidualQuantizer levels must share the code dimension: level 0 has "
                    + "%d, level %d has %d", d, i, q.codeDimension());
            Checks.require(q.codebookSize() == k, "ResidualQuantizer levels must share the codebook size: level 0 has "
                    + "%d, level %d has %d", k, i, q.codebookSize());
        }
        return new ResidualQuantizer(new ArrayList<>(levels), dropout, seed);
    }

    /** The number of levels {@code Q}. */
    public int depth() {
        return levels.size();
    }

    public List<Quantizer> levels() {
        return levels;
    }

    @Override
    public long codebookSize() {
        return levels.get(0).codebookSize();
    }

    @Override
    public int codeDimension() {
        return levels.get(0).codeDimension();
    }

    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        CodeAxis.check(features, codeDimension(), "ResidualQuantizer");
        int used = training && dropout ? 1 + random.nextInt(levels.size()) : levels.size();
        NDManager owner = features.getManager();
        NDArray quantized;
        NDArray indices;
        NDArray loss;
        Map<String, NDArray> parts = new LinkedHashMap<>();
        try (NDManager scope = owner.newSubManager()) {
            features.tempAttach(scope);
            NDArray residual = features;
            NDArray sum = null;
            NDList ids = new NDList();
            NDArray total = null;
            for (int q = 0; q < used; q++) {
                QuantizerOutput out = levels.get(q).quantize(residual, training);
                NDArray codes = out.quantized().stopGradient();
                sum = sum == null ? codes : sum.add(codes);
                residual = residual.sub(codes); // keeps the gradient path to the features
                ids.add(out.indices().expandDims(1)); // (B, 1, ...)
                total = total == null ? out.loss() : total.add(out.loss());
                for (Map.Entry<String, NDArray> e : out.lossParts().entrySet()) {
                    parts.put("level" + q + "." + e.getKey(), e.getValue());
                }
            }
            quantized = features.add(sum.sub(features).stopGradient()); // straight-through over all levels
            indices = NDArrays.concat(ids, 1);
            loss = total;
            quantized.attach(owner);
            indices.attach(owner);
            loss.attach(owner);
            parts.values().forEach(p -> p.attach(owner));
        }
        return new QuantizerOutput(quantized, indices, loss, parts);
    }

    @Override
    public NDArray indicesToCodes(NDArray indices) {
        Checks.notNull(indices, "indices");
        Shape s = indices.getShape();
        Checks.require(s.dimension() >= 2 && s.get(1) >= 1 && s.get(1) <= levels.size(),
                "ResidualQuantizer expects indices (B, Q, ...) with 1 <= Q <= %d levels on axis 1, got shape %s",
                levels.size(), org.tokenlab.internal.Checks.describe(s));
        NDManager owner = indices.getManager();
        NDArray codes;
        try (NDManager scope = owner.newSubManager()) {
            indices.tempAttach(scope);
            NDArray sum = null;
            for (int q = 0; q < s.get(1); q++) {
                NDArray level = indices.get(":, " + q); // (B, ...)
                NDArray c = levels.get(q).indicesToCodes(level);
                sum = sum == null ? c : sum.add(c);
            }
            codes = sum;
            codes.attach(owner);
        }
        return codes;
    }
}
