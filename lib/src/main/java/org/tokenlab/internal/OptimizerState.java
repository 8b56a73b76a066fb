package org.tokenlab.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tokenlab.TrainingState;

/**
 * Saves and restores a DJL optimizer's state (Adam's and AdamW's moments, SGD's and NAG's momentum,
 * RMSProp's averages, and every optimizer's per-parameter update counts, which drive bias correction
 * and learning-rate schedules), keyed by the parameter names of the block it trains.
 *
 * <p>DJL keeps this state in private fields keyed by each parameter's random id and offers no way to
 * read or set it, so this class reads the fields by reflection: every field of type
 * {@code Map<String, Map<Device, NDArray>>} is a per-parameter state, {@code updateCounts} the counts.
 * Ids differ between two builds of the same model, names do not, hence the names. An optimizer whose
 * fields do not look like this fails with a message rather than resuming wrongly.
 */
public final class OptimizerState {

    private OptimizerState() {}

    /**
     * Writes {@code optimizer}'s state for the parameters of {@code block} into {@code state}; the
     * arrays are copies that belong to {@code manager}.
     */
    public static void save(Optimizer optimizer, Block block, TrainingState state, NDManager manager) {
        Map<String, String> names = idsToNames(block);
        state.putLong("numUpdate", readInt(optimizer, "numUpdate"));
        Map<String, Integer> counts = updateCounts(optimizer);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String name = names.get(e.getKey());
            if (name != null) {
                state.putLong("updateCounts." + name, e.getValue());
            }
        }
        for (Field f : stateFields(optimizer)) {
            Map<String, Map<Device, NDArray>> perParameter = read(optimizer, f);
            for (Map.Entry<String, Map<Device, NDArray>> e : perParameter.entrySet()) {
                String name = names.get(e.getKey());
                if (name == null || e.getValue().isEmpty()) {
                    continue;
                }
                NDArray array = e.getValue().values().iterator().next();
                NDArray copy = array.duplicate();
                copy.attach(manager);
                state.putArray(f.getName() + "." + name, copy);
            }
        }
    }

    /**
     * Sets {@code optimizer}'s state for the parameters of {@code block} from {@code state}. The arrays
     * are copied onto each parameter's manager and device.
     *
     * @throws IllegalArgumentException when the state was saved for other parameters or shapes
     */
    public static void load(Optimizer optimizer, Block block, TrainingState state) {
        Map<String, Parameter> byName = new HashMap<>();
        block.getParameters().forEach(p -> byName.put(p.getKey(), p.getValue()));
        writeInt(optimizer, "numUpdate", Math.toIntExact(state.getLong("numUpdate")));
        Map<String, Integer> counts = updateCounts(optimizer);
        counts.clear();
        for (String key : state.names()) {
            if (key.startsWith("updateCounts.")) {
                String name = key.substring("updateCounts.".length());
                counts.put(parameter(byName, name, key).getId(), Math.toIntExact(state.getLong(key)));
            }
        }
        for (Field f : stateFields(optimizer)) {
            Map<String, Map<Device, NDArray>> perParameter = read(optimizer, f);
            perParameter.values().forEach(m -> m.values().forEach(NDArray::close));
            perParameter.clear();
            String prefix = f.getName() + ".";
            for (String key : state.names()) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                Parameter p = parameter(byName, key.substring(prefix.length()), key);
                NDArray weight = p.getArray();
                NDArray saved = state.getArray(key);
                Checks.require(saved.getShape().equals(weight.getShape()), "optimizer state '%s' has shape %s but the "
                        + "parameter has %s; load it into the model it was saved with", key,
                        Checks.describe(saved.getShape()), Checks.describe(weight.getShape()));
                // A copy of its own: the optimizer updates it in place, and DJL's toDevice(device, true) to the
                // device the array is already on returns a second handle on the same memory, not a copy.
                NDArray copy = saved.toDevice(weight.getDevice(), false).duplicate();
                copy.attach(weight.getManager());
                Map<Device, NDArray> byDevice = new ConcurrentHashMap<>();
                byDevice.put(weight.getDevice(), copy);
                perParameter.put(p.getId(), byDevice);
            }
        }
    }

    private static Parameter parameter(Map<String, Parameter> byName, String name, String key) {
        Parameter p = byName.get(name);
        Checks.require(p != null, "the optimizer state '%s' belongs to a parameter '%s' this model does not have; "
                + "load it into the model it was saved with (parameters here: %s)", key, name, byName.keySet());
        return p;
    }

    private static Map<String, String> idsToNames(Block block) {
        Map<String, String> names = new HashMap<>();
        block.getParameters().forEach(p -> names.put(p.getValue().getId(), p.getKey()));
        return names;
    }

    /** The fields of type Map<String, Map<Device, NDArray>> in the optimizer's class hierarchy. */
    private static List<Field> stateFields(Optimizer optimizer) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = optimizer.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && isPerParameterState(f.getGenericType())) {
                    fields.add(f);
                }
            }
        }
        return fields;
    }

    private static boolean isPerParameterState(Type type) {
        if (!(type instanceof ParameterizedType outer) || outer.getRawType() != Map.class) {
            return false;
        }
        Type[] args = outer.getActualTypeArguments();
        return args[0] == String.class && args[1] instanceof ParameterizedType inner && inner.getRawType() == Map.class
                && inner.getActualTypeArguments()[0] == Device.class && inner.getActualTypeArguments()[1] == NDArray.class;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<Device, NDArray>> read(Optimizer optimizer, Field f) {
        return (Map<String, Map<Device, NDArray>>) get(optimizer, f);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> updateCounts(Optimizer optimizer) {
        return (Map<String, Integer>) get(optimizer, field(Optimizer.class, "updateCounts", optimizer));
    }

    private static int readInt(Optimizer optimizer, String name) {
        return (int) get(optimizer, field(Optimizer.class, name, optimizer));
    }

    private static void writeInt(Optimizer optimizer, String name, int value) {
        Field f = field(Optimizer.class, name, optimizer);
        try {
            f.setInt(optimizer, value);
        } catch (IllegalAccessException e) {
            throw unsupported(optimizer, e);
        }
    }

    private static Field field(Class<?> owner, String name, Optimizer optimizer) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unsupported(optimizer, e);
        }
    }

    private static Object get(Optimizer optimizer, Field f) {
        try {
            f.setAccessible(true);
            return f.get(optimizer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unsupported(optimizer, e);
        }
    }

    private static IllegalStateException unsupported(Optimizer optimizer, Exception e) {
        return new IllegalStateException("cannot read the state of " + optimizer.getClass().getName()
                + " (this DJL version keeps it differently): " + e, e);
    }
}
