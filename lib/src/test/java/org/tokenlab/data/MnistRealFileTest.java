package org.tokenlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real prepared file, when this machine has one (./tokenlab setup); skipped otherwise. */
class MnistRealFileTest {

    @Test
    void preparedFileHoldsTheTenThousandDigitsOfTheNpmPackage() {
        Assumptions.assumeTrue(Files.isRegularFile(Mnist.defaultFile()), "no prepared file at " + Mnist.defaultFile());
        Mnist mnist = Mnist.load();
        int[] perLabel = new int[10];
        for (int i = 0; i < mnist.size(); i++) {
            perLabel[mnist.label(i)]++;
        }
        assertEquals(10_000, mnist.size());
        // the package's digit files are not 1,000 each: 0.json holds 1,001 digits, 1.json 1,127, ...
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, perLabel);
        assertEquals(9000, mnist.train().length);
        assertEquals(1000, mnist.test().length);
    }
}
