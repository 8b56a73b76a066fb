package org.tokenlab.viz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.tokenlab.internal.AtomicFiles;
import org.tokenlab.internal.Checks;

/**
 * Encodes frames as a looping animated GIF, the format notebooks and static viewers both show.
 *
 * <pre>{@code
 * jshell> byte[] gif = AnimatedGif.encode(TensorImages.toFrames(video, PixelRange.AUTO), 125);
 * }</pre>
 */
public final class AnimatedGif {

    private AnimatedGif() {}

    /**
     * The GIF bytes of {@code frames}, each shown for {@code frameMillis} (rounded to the format's
     * 10 ms unit), looping forever. Frames must all have the same size.
     */
    public static byte[] encode(List<BufferedImage> frames, int frameMillis) {
        Checks.notNull(frames, "frames");
        Checks.require(!frames.isEmpty(), "AnimatedGif needs at least one frame, got an empty list");
        Checks.require(frameMillis >= 10, "frameMillis must be at least 10 (the GIF time unit), got %d", frameMillis);
        int w = frames.get(0).getWidth();
        int h = frames.get(0).getHeight();
        for (int i = 0; i < frames.size(); i++) {
            BufferedImage f = frames.get(i);
            Checks.require(f.getWidth() == w && f.getHeight() == h,
                    "all frames must be %dx%d like frame 0, frame %d is %dx%d", w, h, i, f.getWidth(), f.getHeight());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                BufferedImage rgb = TensorImages.upscale(frame, 1);
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(rgb), null);
                addTimingAndLoop(meta, frameMillis);
                writer.writeToSequence(new IIOImage(rgb, null, meta), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode GIF", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Writes the GIF to {@code file} through a temporary file in the same folder, then renames it. */
    public static void write(List<BufferedImage> frames, int frameMillis, Path file) throws IOException {
        Checks.notNull(file, "file");
        AtomicFiles.write(file, encode(frames, frameMillis));
    }

    private static void addTimingAndLoop(IIOMetadata meta, int frameMillis) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(Math.max(1, Math.round(frameMillis / 10f))));
        gce.setAttribute("transparentColorIndex", "0");
        IIOMetadataNode apps = child(root, "ApplicationExtensions");
        IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
        loop.setAttribute("applicationID", "NETSCAPE");
        loop.setAttribute("authenticationCode", "2.0");
        loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
        apps.appendChild(loop);
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
