package org.tokenlab.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TokenMaskTest {

    private static final GridShape GRID = new GridShape(2, 2, 3);

    @Test
    void gridShapeSizeAndIndexFollowRowMajorOrder() {
        assertEquals(12, GRID.size());
        assertEquals(0, GRID.index(0, 0, 0));
        assertEquals(5, GRID.index(0, 1, 2));
        assertEquals(6, GRID.index(1, 0, 0));
        assertEquals(1, GridShape.image(4, 4).frames());
        assertEquals("(2, 2, 3)", GRID.toString());
    }

    @Test
    void boxIsHalfOpenAndFlattensInSequenceOrder() {
        TokenMask box = TokenMask.box(GRID, 1, 2, 0, 1, 1, 3);           // frame 1, row 0, columns 1 and 2
        assertEquals(2, box.count());
        assertTrue(box.get(1, 0, 1) && box.get(1, 0, 2));
        assertFalse(box.get(0, 0, 1) || box.get(1, 1, 1) || box.get(1, 0, 0));
        boolean[] expected = new boolean[12];
        expected[7] = true;
        expected[8] = true;
        assertArrayEquals(expected, box.toArray());
        assertEquals(0, TokenMask.box(GRID, 0, 2, 1, 1, 0, 3).count());   // an empty row range
    }

    @Test
    void allNoneAndFrames() {
        assertEquals(12, TokenMask.all(GRID).count());
        assertEquals(0, TokenMask.none(GRID).count());
        TokenMask first = TokenMask.frames(GRID, 0, 1);
        assertEquals(6, first.count());
        assertTrue(first.get(0, 1, 2));
        assertFalse(first.get(1, 0, 0));
    }

    @Test
    void setOperations() {
        TokenMask a = TokenMask.frames(GRID, 0, 1);
        TokenMask b = TokenMask.box(GRID, 0, 2, 0, 1, 0, 1);               // (0,0,0) and (1,0,0)
        assertEquals(7, a.union(b).count());
        assertEquals(1, a.intersection(b).count());
        assertTrue(a.intersection(b).get(0, 0, 0));
        assertEquals(6, a.complement().count());
        assertEquals(TokenMask.frames(GRID, 1, 2), a.complement());
        assertEquals(TokenMask.all(GRID), a.union(a.complement()));
    }

    @Test
    void equalsHashCodeAndText() {
        TokenMask a = TokenMask.frames(GRID, 0, 1);
        TokenMask b = TokenMask.of(GRID, (t, y, x) -> t == 0);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, TokenMask.frames(new GridShape(2, 3, 2), 0, 1));   // same count, other grid
        assertEquals("TokenMask (2, 2, 3), 6 of 12 given\n### ...\n### ...", a.toString());
    }

    @Test
    void ofArrayCopiesAndRoundTrips() {
        boolean[] flags = TokenMask.box(GRID, 0, 2, 1, 2, 0, 1).toArray();
        TokenMask m = TokenMask.of(GRID, flags);
        flags[0] = true;
        assertFalse(m.get(0, 0, 0));
        assertEquals(2, m.count());
    }

    @Test
    void movingBoxSlidesAndRoundsHalvesToEven() {
        GridShape g = new GridShape(3, 1, 4);
        TokenMask m = TokenMask.movingBox(g, 1, 2, 0, 0, 0, 1);             // x(t) = round(0, 0.5, 1) = 0, 0, 1
        assertEquals("TokenMask (3, 1, 4), 6 of 12 given\n##.. ##.. .##.", m.toString());
        TokenMask right = TokenMask.movingBox(new GridShape(4, 1, 4), 1, 2, 0, 0, 0, 2);   // 0, 0.67, 1.33, 2
        assertEquals("TokenMask (4, 1, 4), 8 of 16 given\n##.. .##. .##. ..##", right.toString());
        assertEquals(0, TokenMask.movingBox(g, 1, 0, 0, 0, 0, 0).count());
        assertEquals(1, TokenMask.movingBox(GridShape.image(2, 2), 2, 2, 1, 1, 5, 5).count());   // clipped to the grid
    }

    @Test
    void randomBlocksAreSeededAndInside() {
        GridShape g = new GridShape(4, 8, 8);
        GridShape block = new GridShape(1, 2, 2);
        TokenMask a = TokenMask.randomBlocks(g, 5, block, 7);
        assertEquals(a, TokenMask.randomBlocks(g, 5, block, 7));
        assertTrue(a.count() >= 4 && a.count() <= 20, a.toString());
        assertEquals(0, TokenMask.randomBlocks(g, 0, block, 7).count());
        assertEquals(g.size(), TokenMask.randomBlocks(g, 1, g, 7).count());
    }

    @Test
    void ndArrayRoundTrip() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TokenMask m = TokenMask.box(GRID, 0, 1, 1, 2, 1, 3);
            NDArray array = m.toNDArray(manager);
            assertEquals(new Shape(2, 2, 3), array.getShape());
            assertEquals(DataType.BOOLEAN, array.getDataType());
            assertTrue(array.getBoolean(0, 1, 2));
            assertEquals(m, TokenMask.fromNDArray(array));
            TokenMask image = TokenMask.fromNDArray(manager.create(new boolean[] {true, false, false, true}, new Shape(2, 2)));
            assertEquals(GridShape.image(2, 2), image.shape());
            assertTrue(image.get(0, 1, 1));
        }
    }
}
