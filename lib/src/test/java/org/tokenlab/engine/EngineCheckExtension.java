package org.tokenlab.engine;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (META-INF/services, with autodetection on in
 * junit-platform.properties): the convolution self-check runs, and its fix is applied, before the
 * first test, as the kernel and the trainers do before the first cell or step.
 */
public final class EngineCheckExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        EngineCheck.ensure();
    }
}
