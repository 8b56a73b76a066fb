package org.tokenlab.quantize;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.StatefulRandom;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.CodeAxis;
import org.tokenlab.internal.Scalars;

/**
 * Vector quantization of VQ-VAE (van den Oord et al. 2017), as in VQGAN (Esser et al. 2021): each
 * feature row {@code z} (the D values at one position) becomes its nearest code {@code e} of a
 * learned codebook {@code (K, D)}, and the output {@code z + sg[e - z]} passes the gradient straight
 * through to the encoder.
 *
 * <p>Loss, the paper's form {@code ||sg[z] - e||^2 + beta ||z - sg[e]||^2} with means over elements:
 * {@code "codebook"} moves the codes to the features, {@code "commitment"} (weight beta, 0.25) keeps
 * the encoder near its codes. Some public code, e.g. taming-transformers' {@code VectorQuantizer2}
 * with its default {@code legacy=True}, swaps the weights ({@code beta ||sg[z] - e||^2 + ||z -
 * sg[e]||^2}); this class does not. Options, all off by default: {@link Builder#optEma EMA codebook}
 * (no codebook loss), {@link Builder#optCosine cosine} distance, {@link Builder#optKMeansInit k-means}
 * initialization, {@link Builder#optDeadCodeThreshold dead-code} replacement and a
 * {@link Builder#optEntropyWeight usage-entropy} loss {@code "entropy"}.
 *
 * <p>Distances {@code (N, K)} are {@code ||e||^2 - 2 z e^T}, one fused matrix product; the row's
 * {@code ||z||^2} of the full squared distance is the same for every code, so it changes neither the
 * argmin nor the entropy's softmax and is left out. Outputs belong to the features' manager; the
 * codebook belongs to this block. Training mode updates state (EMA, k-means, dead codes) in place,
 * on one device.
 *
 * <pre>{@code
 * jshell> var manager = NDManager.newBaseManager();
 * jshell> var vq = VectorQuantizer.builder().setCodebookSize(1024).setCodeDimension(256).optSeed(7).build();
 * jshell> vq.initialize(manager);
 * jshell> var out = vq.quantize(manager.randomNormal(new Shape(2, 256, 16, 16)));
 * jshell> out.indices().getShape()
 * $5 ==> (2, 16, 16)
 * jshell> out.quantized().contentEquals(vq.indicesToCodes(out.indices()))
 * $6 ==> true
 * }</pre>
 */
public final class VectorQuantizer extends AbstractBlock implements Quantizer, Resumable {

    private static final byte VERSION = 1;
    private static final String NAME = "VectorQuantizer";

    private final int size;
    private final int dimension;
    private final double beta;
    private final boolean cosine;
    private final double entropyWeight;
    private final double entropyTemperature;
    private final StatefulRandom random;
    private final CodebookUpdates updates;
    private final Parameter codebook;
    private final Map<String, String> configuration = new java.util.LinkedHashMap<>();

    private VectorQuantizer(Builder b) {
        super(VERSION);
        size = b.codebookSize;
        dimension = b.codeDimension;
        beta = b.beta;
        cosine = b.cosine;
        entropyWeight = b.entropyWeight;
        entropyTemperature = b.entropyTemperature == null ? 1.0 : b.entropyTemperature;
        random = b.seed == null ? new StatefulRandom() : new StatefulRandom(b.seed);
        EmaCodebook ema = b.emaDecay == null ? null : new EmaCodebook(size, dimension, b.emaDecay,
                b.emaEpsilon == null ? 1e-5 : b.emaEpsilon);
        DeadCodeReplacement deadCodes = b.deadCodeThreshold == null ? null
                : new DeadCodeReplacement(size, b.deadCodeThreshold, b.deadCodeWindow == null ? 1 : b.deadCodeWindow);
        updates = new CodebookUpdates(size, cosine, b.kMeansIterations == null ? 0 : b.kMeansIterations, random,
                ema, deadCodes);
        codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(size, dimension)).optInitializer(new UniformCodebookInitializer(size, random))
                .optRequiresGrad(ema == null).build());
        updates.parameters().forEach(this::addParameter);
        configuration.put("type", NAME);
        configuration.put("codebookSize", String.valueOf(size));
        configuration.put("codeDimension", String.valueOf(dimension));
        configuration.put("beta", String.valueOf(beta));
        configuration.put("cosine", String.valueOf(cosine));
        configuration.put("ema", String.valueOf(b.emaDecay));
        configuration.put("emaEpsilon", String.valueOf(b.emaEpsilon));
        configuration.put("kMeansIterations", String.valueOf(b.kMeansIterations));
        configuration.put("deadCodeThreshold", String.valueOf(b.deadCodeThreshold));
        configuration.put("deadCodeWindow", String.valueOf(b.deadCodeWindow));
        configuration.put("entropyWeight", String.valueOf(entropyWeight));
        configuration.put("entropyTemperature", String.valueOf(entropyTemperature));
    }

    @Override
    public Map<String, String> configuration() {
        return java.util.Collections.unmodifiableMap(configuration);
    }

    /** A builder: {@code setCodebookSize} and {@code setCodeDimension} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long codebookSize() {
        return size;
    }

    @Override
    public int codeDimension() {
        return dimension;
    }

    /** Creates the codebook on {@code manager} for float32 features; returns this block. */
    public VectorQuantizer initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, dimension));
        return this;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        boolean fresh = !codebook.isInitialized(); // loaded parameters keep their values and EMA state
        super.initialize(manager, dataType, inputShapes);
        if (fresh) {
            updates.started(codebook.getArray(), manager);
        }
    }

    /** Loads the codebook (and EMA statistics) saved by {@code saveParameters}; no k-means start follows. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        updates.loaded();
    }

    /**
     * Saves what training changes besides the codebook and EMA statistics (which are parameters): the
     * random generator (k-means start, dead-code restarts), the dead-code usage window and whether the
     * k-means start is still to come.
     */
    @Override
    public void saveState(TrainingState state) {
        state.putLong("random", random.state());
        updates.saveState(state);
    }

    @Override
    public void loadState(TrainingState state) {
        random.setState(state.getLong("random"));
        updates.loadState(state);
    }

    /**
     * The live codebook {@code (K, D)}, owned by this block: do not close it, {@code duplicate()} it
     * for a snapshot. In cosine mode its rows are unit vectors whenever this class wrote them; after
     * an optimizer step they are normalized at use.
     */
    public NDArray codebook() {
        return codebookArray();
    }

    /**
     * Overwrites the codebook with {@code codes} {@code (K, D)} (copied; normalized in cosine mode) and
     * restarts the EMA statistics from them. It counts as the initialization: a pending k-means
     * initialization is dropped.
     */
    public void setCodebook(NDArray codes) {
        Checks.notNull(codes, "codes");
        Checks.require(codes.getShape().equals(new Shape(size, dimension)), "%s.setCodebook expects codes (K, D) = "
                + "(%d, %d), got shape %s", NAME, size, dimension, Checks.describe(codes.getShape()));
        CodeAxis.check(codes, dimension, NAME + ".setCodebook");
        NDArray target = codebookArray();
        try (NDManager scope = target.getManager().newSubManager()) {
            NDArray copy = codes.duplicate();
            copy.attach(scope);
            updates.set(target, copy.toDevice(target.getDevice(), false).toType(target.getDataType(), false));
        }
    }

    @Override
    public QuantizerOutput quantize(NDArray features, boolean training) {
        return run(features, codebookArray(), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Checks.require(inputs.size() == 1, "%s expects one input, the features (B, D, ...), got %d arrays",
                NAME, inputs.size());
        NDArray features = inputs.head();
        QuantizerOutput out = run(features, parameterStore.getValue(codebook, features.getDevice(), training),
                training);
        out.lossParts().values().forEach(NDArray::close); // the list carries only their sum
        return new NDList(out.quantized(), out.indices(), out.loss());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape features = inputShapes[0];
        return new Shape[] {features, CodeAxis.indexShape(features), new Shape()};
    }

    @Override
    public NDArray indicesToCodes(NDArray indices) {
        CodeAxis.checkIndices(indices, size, NAME);
        NDArray table = codebookArray();
        NDManager owner = indices.getManager();
        Shape idShape = indices.getShape();
        try (NDManager scope = owner.newSubManager()) {
            indices.tempAttach(scope);
            table.tempAttach(scope); // every temporary below lands in scope
            NDArray codes = cosine ? l2Normalize(table) : table; // (K, D)
            NDArray rows = codes.get(indices.toType(DataType.INT64, false).reshape(-1)); // (N, D)
            NDArray out = CodeAxis.fromRows(rows, withCodeAxis(idShape)); // (B, D, ...)
            out.attach(owner);
            return out;
        }
    }

    /** Nearest codes, losses and, in training mode, the state updates, reading {@code table} (K, D). */
    private QuantizerOutput run(NDArray features, NDArray table, boolean training) {
        CodeAxis.check(features, dimension, NAME);
        NDManager owner = features.getManager();
        Shape shape = features.getShape();
        try (NDManager scope = owner.newSubManager()) {
            features.tempAttach(scope); // every temporary below lands in scope
            if (table != features) { // quantize(codebook()) is fine; attaching it twice is not
                table.tempAttach(scope);
            }
            NDArray z = CodeAxis.toRows(features); // (N, D)
            if (cosine) {
                z = l2Normalize(z);
            }
            if (training) {
                updates.beforeBatch(table, z);
            }
            NDArray codes = readCodes(table, training, z.getDataType()); // (K, D)
            NDArray distances = distances(z, codes); // (N, K), the one (N, K) matrix of the fast path
            NDArray ids = distances.argMin(1); // (N) int64
            Map<String, NDArray> parts = new LinkedHashMap<>();
            NDArray quantized = straightThrough(z, codes.get(ids), parts); // (N, D)
            if (entropyWeight > 0) {
                parts.put("entropy", SoftAssignmentEntropy.loss(distances, entropyTemperature)
                        .mul(Scalars.of(distances, entropyWeight)));
            }
            if (training) {
                updates.afterBatch(table, z.stopGradient(), ids);
            }
            NDArray loss = scope.zeros(new Shape(), z.getDataType());
            for (NDArray part : parts.values()) {
                loss = loss.add(part);
            }
            QuantizerOutput out = new QuantizerOutput(CodeAxis.fromRows(quantized, shape),
                    ids.reshape(CodeAxis.indexShape(shape)), loss, parts);
            out.quantized().attach(owner);
            out.indices().attach(owner);
            out.loss().attach(owner);
            out.lossParts().values().forEach(part -> part.attach(owner));
            return out;
        }
    }

    /** The codes (K, D) this pass reads: normalized in cosine mode, in the features' type. */
    private NDArray readCodes(NDArray table, boolean training, DataType type) {
        NDArray codes = table;
        if (training && updates.writesAfterBatch()) {
            // the state update writes the table in place after this pass, so autograd must not save it:
            // read a copy (mul keeps the gradient path to the codebook, duplicate() would cut it)
            codes = codes.mul(Scalars.of(codes, 1));
        }
        codes = codes.toType(type, false);
        return cosine ? l2Normalize(codes) : codes;
    }

    /**
     * The output {@code z + sg[q - z]} (N, D) for rows z and their codes q, with the loss terms added
     * to parts. The fast path allocates two (N, D) arrays besides q:
     *
     * <ul>
     *   <li>{@code codebook = mean((q - sg[z])^2)}, gradient to the codes only;
     *   <li>{@code carrier = z - sg[z]}: zero in value, gradient 1 to z;
     *   <li>{@code commitment = beta * (sg[codebook] + 2 mean(sg[z - q] * carrier))}: value beta times the
     *       codebook term, gradient {@code 2 beta (z - q) / n} to z only, as {@code beta mean((z - sg[q])^2)};
     *   <li>output {@code sg[q] + carrier}, added in place into q: value exactly q, gradient 1 to z.
     * </ul>
     */
    private NDArray straightThrough(NDArray z, NDArray q, Map<String, NDArray> parts) {
        NDArray towardCode = q.sub(z.stopGradient()).reshape(-1); // (N * D), q - sg[z]
        NDArray codebookTerm = meanSquare(towardCode);
        if (!updates.usesEma()) {
            parts.put("codebook", codebookTerm); // ||sg[z] - e||^2 moves the codes
        }
        NDArray carrier = z.sub(z.stopGradient()); // (N, D), all zero
        NDArray pull = towardCode.stopGradient().dot(carrier.reshape(-1))
                .mul(Scalars.of(z, -2.0 / Math.max(1, z.size()))); // engine-owned: autograd keeps it, see Scalars
        parts.put("commitment", codebookTerm.stopGradient().add(pull).mul(Scalars.of(pull, beta))); // beta ||z - sg[e]||^2
        return q.stopGradient().addi(carrier); // q's storage + 0: value q, gradient straight through to z
    }

    /** mean(x^2) of a vector, as one dot product. */
    private static NDArray meanSquare(NDArray flat) {
        return flat.dot(flat).div(Scalars.of(flat, Math.max(1, flat.size())));
    }

    /**
     * Squared distances {@code (N, K)} from rows {@code (N, D)} to codes {@code (K, D)} less each
     * row's constant {@code ||z||^2}: {@code ||e||^2 - 2 z e^T} in one fused product.
     */
    static NDArray distances(NDArray rows, NDArray codes) {
        NDArray norms = codes.square().sum(new int[] {1}); // (K)
        return Linear.linear(rows, codes.mul(Scalars.of(codes, -2)), norms).singletonOrThrow(); // (N, K)
    }

    /** Rows scaled to unit length; an all-zero row stays zero. */
    static NDArray l2Normalize(NDArray rows) {
        return rows.normalize(2, 1, 1e-12);
    }

    private NDArray codebookArray() {
        if (!codebook.isInitialized()) {
            throw new IllegalStateException(NAME + " has no codebook yet; call initialize(manager) first "
                    + "(a Trainer's initialize does it too)");
        }
        return codebook.getArray();
    }

    /** Feature shape {@code (B, D, ...)} for an index shape {@code (B, ...)}; {@code (N, D)} for {@code (N)}. */
    private Shape withCodeAxis(Shape idShape) {
        long[] dims = new long[idShape.dimension() + 1];
        dims[0] = idShape.get(0);
        dims[1] = dimension;
        for (int i = 1; i < idShape.dimension(); i++) {
            dims[i + 1] = idShape.get(i);
        }
        return new Shape(dims);
    }

    /** Builds a {@link VectorQuantizer}; {@code setX} values are required, {@code optX} optional. */
    public static final class Builder {

        private int codebookSize;
        private int codeDimension;
        private double beta = 0.25;
        private Double emaDecay;
        private Double emaEpsilon;
        private boolean cosine;
        private Integer kMeansIterations;
        private Double deadCodeThreshold;
        private Integer deadCodeWindow;
        private double entropyWeight;
        private Double entropyTemperature;
        private Long seed;

        private Builder() {}

        /** The number of codes K (VQGAN: 1024 or 16384). */
        public Builder setCodebookSize(int codebookSize) {
            this.codebookSize = codebookSize;
            return this;
        }

        /** The code dimension D on axis 1 of the features (VQGAN: 256). */
        public Builder setCodeDimension(int codeDimension) {
            this.codeDimension = codeDimension;
            return this;
        }

        /** The commitment weight beta, at least 0; default 0.25 as in the paper. */
        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Updates the codebook by exponential moving averages with this decay in (0, 1), 0.99 being
         * usual, instead of the codebook loss; the codebook then takes no gradient. See {@code EmaCodebook}.
         */
        public Builder optEma(double decay) {
            this.emaDecay = decay;
            return this;
        }

        /** The EMA's Laplace smoothing epsilon, above 0; default 1e-5. Needs {@link #optEma}. */
        public Builder optEmaEpsilon(double epsilon) {
            this.emaEpsilon = epsilon;
            return this;
        }

        /**
         * Compares l2-normalized features and codes, so the nearest code is the one at the smallest
         * angle (ViT-VQGAN, Yu et al. 2022); the quantized features are then unit vectors.
         */
        public Builder optCosine(boolean cosine) {
            this.cosine = cosine;
            return this;
        }

        /** Sets the codebook from this many k-means rounds on the first training batch's rows. */
        public Builder optKMeansInit(int iterations) {
            this.kMeansIterations = iterations;
            return this;
        }

        /**
         * Replaces codes picked by fewer than {@code minUsage} feature rows over a window of training
         * steps with random rows of the current batch; 1 replaces the codes nobody picked.
         */
        public Builder optDeadCodeThreshold(double minUsage) {
            this.deadCodeThreshold = minUsage;
            return this;
        }

        /** The dead-code window in training steps, at least 1; default 1. Needs {@link #optDeadCodeThreshold}. */
        public Builder optDeadCodeWindow(int steps) {
            this.deadCodeWindow = steps;
            return this;
        }

        /** Adds the usage-entropy loss with this weight, at least 0. See {@code SoftAssignmentEntropy}. */
        public Builder optEntropyWeight(double weight) {
            this.entropyWeight = weight;
            return this;
        }

        /** The entropy's softmax temperature, above 0; default 1. Needs {@link #optEntropyWeight}. */
        public Builder optEntropyTemperature(double temperature) {
            this.entropyTemperature = temperature;
            return this;
        }

        /** Seeds the initialization, k-means and dead-code draws; without it each block draws its own. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Checks the settings and builds the block (call {@code initialize} before use). */
        public VectorQuantizer build() {
            Checks.require(codebookSize >= 1, "%s needs setCodebookSize(K) with K >= 1, got %d; VQGAN uses "
                    + "1024 codes", NAME, codebookSize);
            Checks.require(codeDimension >= 1, "%s needs setCodeDimension(D) with D >= 1, got %d; it must match "
                    + "the encoder's channels (VQGAN: 256)", NAME, codeDimension);
            Checks.require((long) codebookSize * codeDimension <= Integer.MAX_VALUE, "%s codebook K x D = %d x %d "
                    + "has more than 2^31 values; use fewer or smaller codes", NAME, codebookSize, codeDimension);
            expect(beta >= 0 && beta < Double.POSITIVE_INFINITY, "optBeta(beta) >= 0", beta, "the paper uses 0.25");
            expect(emaDecay == null || emaDecay > 0 && emaDecay < 1, "optEma(decay) with 0 < decay < 1", emaDecay,
                    "0.99 is usual");
            expect(emaEpsilon == null || positive(emaEpsilon), "optEmaEpsilon(epsilon) > 0", emaEpsilon,
                    "the default is 1e-5");
            expect(kMeansIterations == null || kMeansIterations >= 1, "optKMeansInit(iterations) >= 1",
                    kMeansIterations, "10 is usual");
            expect(deadCodeThreshold == null || positive(deadCodeThreshold), "optDeadCodeThreshold(minUsage) > 0",
                    deadCodeThreshold, "1 replaces the codes that no row picked");
            expect(deadCodeWindow == null || deadCodeWindow >= 1, "optDeadCodeWindow(steps) >= 1", deadCodeWindow,
                    "the default is 1, every step");
            expect(entropyWeight >= 0 && entropyWeight < Double.POSITIVE_INFINITY, "optEntropyWeight(weight) >= 0",
                    entropyWeight, "0.1 is a usual start");
            expect(entropyTemperature == null || positive(entropyTemperature), "optEntropyTemperature(t) > 0",
                    entropyTemperature, "the default is 1");
            requireWith(emaEpsilon, emaDecay != null, "optEmaEpsilon", "optEma(0.99)");
            requireWith(deadCodeWindow, deadCodeThreshold != null, "optDeadCodeWindow", "optDeadCodeThreshold(1)");
            requireWith(entropyTemperature, entropyWeight > 0, "optEntropyTemperature", "optEntropyWeight(0.1)");
            return new VectorQuantizer(this);
        }

        private static boolean positive(double value) {
            return value > 0 && value < Double.POSITIVE_INFINITY; // false for NaN too
        }

        private static void expect(boolean valid, String expected, Object given, String hint) {
            Checks.require(valid, "%s expects %s, got %s; %s", NAME, expected, given, hint);
        }

        /** An option that refines another must not come without it: nothing is silently ignored. */
        private static void requireWith(Object option, boolean baseSet, String optionName, String baseCall) {
            Checks.require(option == null || baseSet, "%s got %s(%s) without %s, so it would do nothing; add %s "
                    + "or drop %s", NAME, optionName, option, baseCall.substring(0, baseCall.indexOf('(')), baseCall,
                    optionName);
        }
    }
}
