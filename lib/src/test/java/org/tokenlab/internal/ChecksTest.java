package org.tokenlab.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ChecksTest {

    @Test
    void rankFailureNamesTwoAllowedRanksWithOrAndTheGivenShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray matrix = manager.zeros(new Shape(2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checks.rank(matrix, "LookupFreeQuantizer", 4, 5));
            assertEquals("LookupFreeQuantizer expects rank 4 or 5, got shape (2, 3)", e.getMessage());
        }
    }

    @Test
    void rankFailureListsThreeAllowedRanksWithCommasAndOr() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray vector = manager.zeros(new Shape(7));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checks.rank(vector, "Encoder", 2, 3, 4));
            assertEquals("Encoder expects rank 2, 3 or 4, got shape (7,)", e.getMessage());
        }
    }

    @Test
    void rankFailureWithOneAllowedRankNamesJustThatRank() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray cube = manager.zeros(new Shape(1, 2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checks.rank(cube, "Decoder", 4));
            assertEquals("Decoder expects rank 4, got shape (1, 2, 3)", e.getMessage());
        }
    }

    @Test
    void rankAcceptsAnArrayWhoseRankIsAmongTheAllowed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.zeros(new Shape(2, 3, 4, 5, 6));
            assertDoesNotThrow(() -> Checks.rank(batch, "LookupFreeQuantizer", 4, 5));
        }
    }

    @Test
    void rankOfNullArrayFailsNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.rank(null, "latents", 4));
        assertEquals("latents must not be null", e.getMessage());
    }

    @Test
    void describeOfOneDimensionalShapeHasTrailingComma() {
        assertEquals("(3,)", Checks.describe(new Shape(3)));
    }

    @Test
    void describeOfFourDimensionalShapeSeparatesSidesWithCommaSpace() {
        assertEquals("(2, 3, 32, 32)", Checks.describe(new Shape(2, 3, 32, 32)));
    }

    @Test
    void describeOfScalarShapeIsEmptyParentheses() {
        assertEquals("()", Checks.describe(new Shape()));
    }

    @Test
    void positiveRejectsZeroWithNameAndValueInMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.positive(0, "columns"));
        assertEquals("columns must be at least 1, got 0", e.getMessage());
    }

    @Test
    void positiveReturnsAnAcceptedValue() {
        assertEquals(1, Checks.positive(1, "scale"));
    }

    @Test
    void notNullReturnsTheSameObject() {
        String value = "x";
        assertSame(value, Checks.notNull(value, "value"));
    }

    @Test
    void notNullOfNullFailsNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.notNull(null, "frames"));
        assertEquals("frames must not be null", e.getMessage());
    }

    @Test
    void requireFormatsItsMessageWhenTheConditionIsFalse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checks.require(false, "need %d, got %s", 3, "two"));
        assertEquals("need 3, got two", e.getMessage());
    }

    @Test
    void requireDoesNothingWhenTheConditionIsTrue() {
        assertDoesNotThrow(() -> Checks.require(true, "never %s", "shown"));
    }
}
