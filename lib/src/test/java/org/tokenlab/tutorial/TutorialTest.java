package org.tokenlab.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class TutorialTest {

    @Test
    void sizesPickTheirOwnValueAndParseTheirLowerCaseNames() {
        assertEquals(20, TutorialSize.SMOKE.pick(20, 1200, 6000));
        assertEquals(1200, TutorialSize.CPU.pick(20, 1200, 6000));
        assertEquals("big", TutorialSize.GPU.pick("tiny", "small", "big"));
        assertEquals(0.5, TutorialSize.CPU.pick(0.1, 0.5, 1.0));
        assertEquals(TutorialSize.SMOKE, TutorialSize.parse(" Smoke "));
        assertEquals("gpu", TutorialSize.GPU.toString());
        assertFalse(TutorialSize.SMOKE.checksTargets());
        assertTrue(TutorialSize.CPU.checksTargets());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TutorialSize.parse("large"));
        assertTrue(e.getMessage().contains("'large'") && e.getMessage().contains("[smoke, cpu, gpu]")
                && e.getMessage().contains(TutorialSize.VARIABLE), e.getMessage());
    }

    @Test
    void targetsCompareAndPrintTheirBound() {
        assertTrue(Target.atLeast(20).isMetBy(20));
        assertFalse(Target.atLeast(20).isMetBy(19.99));
        assertFalse(Target.atLeast(20).isMetBy(Double.NaN));
        assertTrue(Target.atMost(1.5).isMetBy(1.2));
        assertEquals(">= 20", Target.atLeast(20).toString());
        assertEquals("<= 1.5", Target.atMost(1.5).toString());
        assertEquals(">= 0.8", Target.atLeast(0.8).toString());
        assertThrows(IllegalArgumentException.class, () -> Target.atLeast(Double.NaN));
    }

    @Test
    void checkpointsLiveUnderBuildByNotebookAndSize(@TempDir Path home) throws Exception {
        Tutorial t = Tutorial.of("02-vqgan", TutorialSize.CPU, home);
        assertEquals(home.resolve("build/checkpoints/02-vqgan/cpu"), t.checkpoints());
        assertTrue(Files.isDirectory(t.checkpoints()));
        assertEquals(home.resolve("build/checkpoints/02-vqgan/cpu/tokenizer.ckpt"), t.checkpoint("tokenizer.ckpt"));
        assertFalse(t.reuse(false, "tokenizer.ckpt"), "nothing saved yet: train");
        Files.writeString(t.checkpoint("tokenizer.ckpt"), "x");
        assertTrue(t.reuse(false, "tokenizer.ckpt"));
        assertFalse(t.reuse(true, "tokenizer.ckpt"), "the retrain switch wins");
        assertFalse(t.reuse(false, "tokenizer.ckpt", "gpt.ckpt"), "every file must be there");
        assertFalse(Tutorial.of("02-vqgan", TutorialSize.SMOKE, home).reuse(false, "tokenizer.ckpt"),
                "each size keeps its own models");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.checkpoint("../x.ckpt"));
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tutorial.of("02 vqgan", TutorialSize.CPU, home));
    }

    @Test
    void aModelOlderThanTheCheckpointItWasTrainedFromIsNotReused(@TempDir Path home) throws Exception {
        Tutorial earlier = Tutorial.of("03-magvit-tokenizer", TutorialSize.CPU, home);
        Tutorial later = Tutorial.of("04-magvit-tasks", TutorialSize.CPU, home);
        Path tokenizer = earlier.checkpoint("tokenizer.ckpt");
        Files.writeString(tokenizer, "x");
        Files.setLastModifiedTime(tokenizer, FileTime.fromMillis(1_000_000L));
        Files.writeString(later.checkpoint("transformer.ckpt"), "y");
        Files.setLastModifiedTime(later.checkpoint("transformer.ckpt"), FileTime.fromMillis(2_000_000L));
        assertTrue(later.reuse(false, List.of(tokenizer), "transformer.ckpt"), "trained after its tokenizer: reuse");
        Files.setLastModifiedTime(tokenizer, FileTime.fromMillis(3_000_000L));
        assertFalse(later.reuse(false, List.of(tokenizer), "transformer.ckpt"), "the tokenizer was trained again: stale");
        assertTrue(later.reuse(false, List.of(home.resolve("missing.ckpt")), "transformer.ckpt"),
                "a missing input is reported where the notebook loads it, not here");
        assertFalse(later.reuse(true, List.of(), "transformer.ckpt"), "the retrain switch wins");
        assertFalse(later.reuse(false, List.of(), "gpt.ckpt"), "every file must be there");
    }

    @Test
    void finishWritesEveryResultWithItsTargetAndVerdict(@TempDir Path home) throws Exception {
        Tutorial t = Tutorial.of("02-vqgan", TutorialSize.CPU, home);
        assertEquals(24.5, t.measure("held-out PSNR (dB)", 24.5, Target.atLeast(20)));
        t.measure("codes used (%)", 31, Target.atLeast(50));
        t.measure("tokens per second", 812.0);
        assertFalse(t.targetsMet());
        Table table = t.finish();
        assertEquals(List.of("yes", "NO", ""), table.stringColumn("met").asList());
        List<String> lines = Files.readAllLines(home.resolve("build/notebooks/results/02-vqgan.cpu.tsv"));
        assertEquals("notebook\t02-vqgan", lines.get(1));
        assertEquals("size\tcpu", lines.get(2));
        assertTrue(lines.get(3).startsWith("minutes\t"));
        assertEquals("result\theld-out PSNR (dB)\t24.5\t>= 20\tyes", lines.get(4));
        assertEquals("result\tcodes used (%)\t31.0\t>= 50\tno", lines.get(5));
        assertEquals("result\ttokens per second\t812.0\t-\t-", lines.get(6));
    }

    @Test
    void atSmokeSizeTargetsAreShownButNotChecked(@TempDir Path home) {
        Tutorial t = Tutorial.of("02-vqgan", TutorialSize.SMOKE, home);
        t.measure("held-out PSNR (dB)", 9.0, Target.atLeast(20));
        assertTrue(t.targetsMet());
        assertEquals("not checked at smoke size", t.table().stringColumn("met").get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.measure("a\tb", 1));
        assertTrue(e.getMessage().contains("one line"), e.getMessage());
    }
}
