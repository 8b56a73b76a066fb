package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PixelRangeTest {

    // toByte(v, min, max): min/max only matter for STRETCH; the others get dummy bounds.

    @Test
    void signedUnitMapsMinusOneToBlack() {
        assertEquals(0, PixelRange.SIGNED_UNIT.toByte(-1, 0, 0));
    }

    @Test
    void signedUnitMapsZeroTo128BecauseHalfOf255RoundsUp() {
        // (0 + 1) / 2 * 255 = 127.5, Math.round -> 128
        assertEquals(128, PixelRange.SIGNED_UNIT.toByte(0, 0, 0));
    }

    @Test
    void signedUnitMapsOneToWhite() {
        assertEquals(255, PixelRange.SIGNED_UNIT.toByte(1, 0, 0));
    }

    @Test
    void signedUnitMapsMinusHalfTo64() {
        // (-0.5 + 1) / 2 * 255 = 63.75 -> 64
        assertEquals(64, PixelRange.SIGNED_UNIT.toByte(-0.5, 0, 0));
    }

    @Test
    void signedUnitClampsValuesAboveOneToWhite() {
        assertEquals(255, PixelRange.SIGNED_UNIT.toByte(3.5, 0, 0));
    }

    @Test
    void signedUnitClampsValuesBelowMinusOneToBlack() {
        assertEquals(0, PixelRange.SIGNED_UNIT.toByte(-2, 0, 0));
    }

    @Test
    void unitMapsZeroToBlack() {
        assertEquals(0, PixelRange.UNIT.toByte(0, 0, 0));
    }

    @Test
    void unitMapsHalfTo128() {
        // 0.5 * 255 = 127.5 -> 128
        assertEquals(128, PixelRange.UNIT.toByte(0.5, 0, 0));
    }

    @Test
    void unitMapsOneToWhite() {
        assertEquals(255, PixelRange.UNIT.toByte(1, 0, 0));
    }

    @Test
    void unitClampsValuesAboveOneToWhite() {
        assertEquals(255, PixelRange.UNIT.toByte(1.5, 0, 0));
    }

    @Test
    void unitClampsNegativeValuesToBlack() {
        assertEquals(0, PixelRange.UNIT.toByte(-0.25, 0, 0));
    }

    @Test
    void byteKeepsIntegerValuesUnchanged() {
        assertEquals(100, PixelRange.BYTE.toByte(100, 0, 0));
    }

    @Test
    void byteRoundsFractionalValuesToNearest() {
        assertEquals(201, PixelRange.BYTE.toByte(200.6, 0, 0));
    }

    @Test
    void byteClampsValuesAbove255() {
        assertEquals(255, PixelRange.BYTE.toByte(300, 0, 0));
    }

    @Test
    void byteClampsNegativeValuesToZero() {
        assertEquals(0, PixelRange.BYTE.toByte(-5, 0, 0));
    }

    @Test
    void stretchMapsMinimumToBlack() {
        assertEquals(0, PixelRange.STRETCH.toByte(10, 10, 20));
    }

    @Test
    void stretchMapsMaximumToWhite() {
        assertEquals(255, PixelRange.STRETCH.toByte(20, 10, 20));
    }

    @Test
    void stretchMapsQuarterWayTo64() {
        // (12.5 - 10) / 10 * 255 = 63.75 -> 64
        assertEquals(64, PixelRange.STRETCH.toByte(12.5, 10, 20));
    }

    @Test
    void stretchOfConstantDataIsMidGrey() {
        // max == min -> unit 0.5 -> 127.5 -> 128
        assertEquals(128, PixelRange.STRETCH.toByte(7, 7, 7));
    }

    @Test
    void nanMapsToZeroForSignedUnit() {
        assertEquals(0, PixelRange.SIGNED_UNIT.toByte(Double.NaN, 0, 0));
    }

    @Test
    void nanMapsToZeroForByte() {
        assertEquals(0, PixelRange.BYTE.toByte(Double.NaN, 0, 0));
    }

    @Test
    void nanMapsToZeroForStretch() {
        assertEquals(0, PixelRange.STRETCH.toByte(Double.NaN, -1, 1));
    }

    @Test
    void autoCannotMapValuesBeforeBeingResolved() {
        assertThrows(IllegalStateException.class, () -> PixelRange.AUTO.toByte(0.5, 0, 1));
    }

    @Test
    void autoResolvesIntegralDataToByteWhateverItsValues() {
        assertEquals(PixelRange.BYTE, PixelRange.AUTO.resolve(true, -1000, 1000));
    }

    @Test
    void autoResolvesIntegralDataWithinMinusOneToOneToByte() {
        assertEquals(PixelRange.BYTE, PixelRange.AUTO.resolve(true, 0, 1));
    }

    @Test
    void autoResolvesFloatDataWithinMinusOneToOneToSignedUnit() {
        assertEquals(PixelRange.SIGNED_UNIT, PixelRange.AUTO.resolve(false, -1, 1));
    }

    @Test
    void autoResolvesNonNegativeFloatDataWithinZeroToOneToSignedUnit() {
        // documented: AUTO cannot tell [0, 1] data from [-1, 1] data
        assertEquals(PixelRange.SIGNED_UNIT, PixelRange.AUTO.resolve(false, 0, 1));
    }

    @Test
    void autoResolvesFloatDataWithinZeroTo255ToByte() {
        assertEquals(PixelRange.BYTE, PixelRange.AUTO.resolve(false, 0, 255));
    }

    @Test
    void autoResolvesFloatDataJustAbove255ToStretch() {
        assertEquals(PixelRange.STRETCH, PixelRange.AUTO.resolve(false, 0, 255.5));
    }

    @Test
    void autoResolvesFloatDataBelowMinusOneToStretch() {
        assertEquals(PixelRange.STRETCH, PixelRange.AUTO.resolve(false, -1.5, 1));
    }

    @Test
    void autoResolvesFloatDataWithNegativesAndLargeValuesToStretch() {
        assertEquals(PixelRange.STRETCH, PixelRange.AUTO.resolve(false, -0.5, 2));
    }

    @Test
    void explicitRangeResolvesToItselfEvenWhenDataDoesNotFit() {
        assertEquals(PixelRange.UNIT, PixelRange.UNIT.resolve(false, -100, 100));
    }
}
