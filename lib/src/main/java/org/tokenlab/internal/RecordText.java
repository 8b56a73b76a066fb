package org.tokenlab.internal;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A configuration record as text: what checkpoints store and compare. */
public final class RecordText {

    private RecordText() {}

    /**
     * The components of {@code config} as {@code name -> String.valueOf(value)} in declaration order,
     * int and boolean arrays written as {@code [1, 2, 2]} and {@code [false, true]}.
     */
    public static Map<String, String> components(Record config) {
        Checks.notNull(config, "config");
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            try {
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true); // a record declared in a cell or a test is not public
                Object v = accessor.invoke(config);
                out.put(c.getName(), v instanceof int[] a ? Arrays.toString(a)
                        : v instanceof boolean[] flags ? Arrays.toString(flags) : String.valueOf(v));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + config, e);
            }
        }
        return out;
    }
}
