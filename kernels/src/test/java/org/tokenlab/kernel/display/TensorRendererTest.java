package org.tokenlab.kernel.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tokenlab.viz.ImageGrid;

class TensorRendererTest {

    static NDManager manager;
    static Renderer renderer;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
        renderer = new Renderer();
        TensorRenderer.register(renderer);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static BufferedImage png(DisplayData data) throws IOException {
        Object base64 = data.getData(MIMEType.IMAGE_PNG);
        assertNotNull(base64, "no image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) base64)));
        assertNotNull(image, "image/png does not decode");
        return image;
    }

    private static String text(DisplayData data) {
        return (String) data.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void colourImageGetsSummaryAndAnEnlargedPng() throws IOException {
        NDArray image = manager.randomUniform(0, 1, new Shape(3, 16, 16));

        DisplayData data = renderer.render(image);

        assertTrue(text(data).startsWith("NDArray (3, 16, 16) float32"), text(data));
        BufferedImage png = png(data);
        // 16 px enlarged 7 times: (112 + 15) / 16 = 7
        assertTrue(png.getWidth() >= TensorRenderer.MIN_SIDE, "width " + png.getWidth());
        assertEquals(112, png.getWidth());
        assertEquals(112, png.getHeight());
        assertFalse(data.hasDataForType(MIMEType.IMAGE_GIF));
    }

    @Test
    void greyImageWithoutChannelAxisIsAPicture() throws IOException {
        NDArray image = manager.zeros(new Shape(28, 28));

        BufferedImage png = png(renderer.render(image));

        // 28 px enlarged 4 times: (112 + 27) / 28 = 4
        assertEquals(112, png.getWidth());
        assertEquals(112, png.getHeight());
    }

    @Test
    void enlargementStopsAtEightTimes() throws IOException {
        NDArray image = manager.zeros(new Shape(1, 8, 10));

        BufferedImage png = png(renderer.render(image));

        assertEquals(80, png.getWidth());
        assertEquals(64, png.getHeight());
    }

    @Test
    void largeImageIsNotEnlarged() throws IOException {
        NDArray image = manager.zeros(new Shape(3, 120, 200));

        BufferedImage png = png(renderer.render(image));

        assertEquals(200, png.getWidth());
        assertEquals(120, png.getHeight());
    }

    @Test
    void matrixGetsTextOnly() {
        NDArray matrix = manager.arange(6f).reshape(2, 3);

        DisplayData data = renderer.render(matrix);

        assertTrue(text(data).startsWith("NDArray (2, 3) float32"), text(data));
        assertFalse(data.hasDataForType(MIMEType.IMAGE_PNG));
        assertFalse(data.hasDataForType(MIMEType.IMAGE_GIF));
    }

    @Test
    void smallArrayTextIsTheSummaryLineThenItsValues() {
        NDArray matrix = manager.arange(6f).reshape(2, 3);

        List<String> lines = text(renderer.render(matrix)).lines().toList();

        // values 0..5: min 0, mean 15 / 6 = 2.5, max 5
        assertEquals("NDArray (2, 3) float32 on cpu(): min 0, mean 2.5, max 5", lines.get(0));
        assertEquals("[[0., 1., 2.],", lines.get(1));
        assertEquals(" [3., 4., 5.],", lines.get(2));
    }

    @Test
    void arrayOfMoreThanAHundredElementsShowsOnlyTheSummaryLine() {
        NDArray vector = manager.ones(new Shape(101));

        String text = text(renderer.render(vector));

        assertEquals("NDArray (101,) float32 on cpu(): min 1, mean 1, max 1", text);
    }

    @Test
    void videoBecomesAnAnimatedGifWithOneFramePerTimeStepAndAFilmstrip() throws IOException {
        NDArray video = manager.randomUniform(0, 1, new Shape(3, 4, 16, 16));

        DisplayData data = renderer.render(video);

        assertTrue(text(data).startsWith("NDArray (3, 4, 16, 16) float32"), text(data));
        BufferedImage strip = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG))));
        assertEquals(4 * 112 + 5 * ImageGrid.GAP, strip.getWidth(), "four frames in a row, enlarged 7x");
        assertEquals(112 + 2 * ImageGrid.GAP, strip.getHeight());
        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("data:image/gif;base64,"), html.substring(0, 80));
        byte[] gif = Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_GIF));
        assertArrayEquals("GIF89a".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(gif, 6));
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(4, reader.getNumImages(true));
            assertEquals(112 + 2 * ImageGrid.GAP, reader.getWidth(0));
            assertEquals(112 + 2 * ImageGrid.GAP, reader.getHeight(0));
            reader.dispose();
        }
    }

    @Test
    void smallBatchIsLaidOutInAGrid() throws IOException {
        NDArray batch = manager.randomUniform(0, 1, new Shape(4, 3, 8, 8));

        BufferedImage png = png(renderer.render(batch));

        // 4 images: one row (rows hold up to 8); 8 px cells enlarged 8 times
        int cell = 8 * 8;
        assertEquals(4 * cell + 5 * ImageGrid.GAP, png.getWidth());
        assertEquals(cell + 2 * ImageGrid.GAP, png.getHeight());
    }

    @Test
    void batchLargerThanSixtyFourIsCutToSixtyFourImages() throws IOException {
        NDArray batch = manager.randomUniform(0, 1, new Shape(70, 1, 8, 8));

        DisplayData data = renderer.render(batch);

        assertTrue(text(data).startsWith("NDArray (70, 1, 8, 8) float32"), text(data));
        BufferedImage png = png(data);
        // 64 images: min(8, ceil(sqrt(96))) = 8 columns, 8 rows; 8 px cells enlarged 8 times
        int cell = 8 * 8;
        assertEquals(8 * cell + 9 * ImageGrid.GAP, png.getWidth());
        assertEquals(8 * cell + 9 * ImageGrid.GAP, png.getHeight());
    }

    @Test
    void renderingLeavesTheArrayOpenAndUnchanged() {
        NDArray batch = manager.arange(70f * 64).reshape(70, 1, 8, 8);

        renderer.render(batch);

        assertEquals(new Shape(70, 1, 8, 8), batch.getShape());
        assertEquals(70f * 64 - 1, batch.max().getFloat());
    }

    @Test
    void summaryOfACutBatchSaysOnlySixtyFourAreShown() {
        NDArray batch = manager.zeros(new Shape(70, 1, 8, 8));

        String text = text(renderer.render(batch));

        assertTrue(text.endsWith("(the picture shows the first 64 of 70)"), text);
    }

    @Test
    void aBatchOfClipsShowsOneFilmstripRowPerClip() throws IOException {
        NDArray clips = manager.randomUniform(-1, 1, new Shape(20, 1, 4, 16, 16));

        DisplayData data = renderer.render(clips);

        assertTrue(text(data).contains("the first 16 of 20 clips"), text(data));
        BufferedImage strip = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG))));
        assertEquals(16 * 112 + 17 * ImageGrid.GAP, strip.getHeight(), "16 rows of frames enlarged 7x");
        assertTrue(data.hasDataForType(MIMEType.IMAGE_GIF));
    }
}
