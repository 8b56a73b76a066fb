package org.tokenlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class AnimatedGifTest {

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[w * h];
        Arrays.fill(px, rgb);
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    /** Red, green and blue 8x8 frames. */
    private static List<BufferedImage> threeFrames() {
        return List.of(solid(8, 8, 0xFF0000), solid(8, 8, 0x00FF00), solid(8, 8, 0x0000FF));
    }

    private static ImageReader gifReader(byte[] gif) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif));
        reader.setInput(in);
        return reader;
    }

    private static IIOMetadataNode child(Node root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        throw new AssertionError("no " + name + " node");
    }

    private static String delayOfFrame(byte[] gif, int frame) throws IOException {
        ImageReader reader = gifReader(gif);
        try {
            Node root = reader.getImageMetadata(frame).getAsTree("javax_imageio_gif_image_1.0");
            return child(root, "GraphicControlExtension").getAttribute("delayTime");
        } finally {
            reader.dispose();
        }
    }

    @Test
    void encodedBytesStartWithGif89aHeader() {
        byte[] gif = AnimatedGif.encode(threeFrames(), 100);
        assertEquals("GIF89a", new String(gif, 0, 6, StandardCharsets.US_ASCII));
    }

    @Test
    void readingBackGivesThreeFrames() throws IOException {
        byte[] gif = AnimatedGif.encode(threeFrames(), 100);
        ImageReader reader = gifReader(gif);
        try {
            assertEquals(3, reader.getNumImages(true));
        } finally {
            reader.dispose();
        }
    }

    @Test
    void readingBackKeepsFrameOrderAndColours() throws IOException {
        byte[] gif = AnimatedGif.encode(threeFrames(), 100);
        ImageReader reader = gifReader(gif);
        List<Integer> colours = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                colours.add(reader.read(i).getRGB(4, 4) & 0xFFFFFF);
            }
        } finally {
            reader.dispose();
        }
        assertEquals(List.of(0xFF0000, 0x00FF00, 0x0000FF), colours);
    }

    @Test
    void readingBackKeepsFrameSize() throws IOException {
        byte[] gif = AnimatedGif.encode(List.of(solid(12, 9, 0xFFFFFF)), 100);
        ImageReader reader = gifReader(gif);
        try {
            assertEquals("12x9", reader.getWidth(0) + "x" + reader.getHeight(0));
        } finally {
            reader.dispose();
        }
    }

    @Test
    void frameMillisBecomeHundredthsOfASecond() throws IOException {
        byte[] gif = AnimatedGif.encode(threeFrames(), 100);
        assertEquals("10", delayOfFrame(gif, 2));
    }

    @Test
    void frameMillisAreRoundedToTheNearestTenMilliseconds() throws IOException {
        // 125 ms / 10 = 12.5 -> Math.round -> 13
        byte[] gif = AnimatedGif.encode(threeFrames(), 125);
        assertEquals("13", delayOfFrame(gif, 0));
    }

    @Test
    void gifLoopsForeverThroughTheNetscapeExtension() throws IOException {
        byte[] gif = AnimatedGif.encode(threeFrames(), 100);
        ImageReader reader = gifReader(gif);
        try {
            Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode ext = child(child(root, "ApplicationExtensions"), "ApplicationExtension");
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) ext.getUserObject());
        } finally {
            reader.dispose();
        }
    }

    @Test
    void grayFramesAreEncodedWithoutBrightening() throws IOException {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = new byte[64];
        Arrays.fill(px, (byte) 100);
        gray.getRaster().setDataElements(0, 0, 8, 8, px);
        byte[] gif = AnimatedGif.encode(List.of(gray), 100);
        ImageReader reader = gifReader(gif);
        try {
            assertEquals(0x646464, reader.read(0).getRGB(0, 0) & 0xFFFFFF);
        } finally {
            reader.dispose();
        }
    }

    @Test
    void frameMillisBelowTenIsRejected() {
        List<BufferedImage> frames = threeFrames();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnimatedGif.encode(frames, 9));
        assertTrue(e.getMessage().contains("got 9"), e.getMessage());
    }

    @Test
    void framesOfDifferentSizesAreRejectedNamingBothSizes() {
        List<BufferedImage> frames = List.of(solid(8, 8, 0), solid(8, 8, 0), solid(10, 6, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnimatedGif.encode(frames, 100));
        assertEquals("all frames must be 8x8 like frame 0, frame 2 is 10x6", e.getMessage());
    }

    @Test
    void emptyFrameListIsRejected() {
        List<BufferedImage> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> AnimatedGif.encode(none, 100));
    }

    @Test
    void nullFrameListIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> AnimatedGif.encode(null, 100));
    }

    @Test
    void writeProducesTheEncodedBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("clip.gif");
        AnimatedGif.write(threeFrames(), 100, file);
        assertArrayEquals(AnimatedGif.encode(threeFrames(), 100), Files.readAllBytes(file));
    }

    @Test
    void writeLeavesOnlyTheGifInTheFolder(@TempDir Path dir) throws IOException {
        AnimatedGif.write(threeFrames(), 100, dir.resolve("clip.gif"));
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertEquals(List.of("clip.gif"), names);
        }
    }

    @Test
    void writeCreatesMissingParentFolders(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a").resolve("b").resolve("clip.gif");
        AnimatedGif.write(threeFrames(), 100, file);
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void writeReplacesAnExistingFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("clip.gif");
        Files.writeString(file, "old");
        AnimatedGif.write(threeFrames(), 100, file);
        assertEquals("GIF89a", new String(Files.readAllBytes(file), 0, 6, StandardCharsets.US_ASCII));
    }

    @Test
    void writeWithBadFramesLeavesNoTmpFile(@TempDir Path dir) throws IOException {
        List<BufferedImage> frames = List.of(solid(8, 8, 0), solid(9, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> AnimatedGif.write(frames, 100, dir.resolve("x.gif")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
