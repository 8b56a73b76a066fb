package org.tokenlab.magvit2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tokenlab.nn.PaddingMode;
import org.tokenlab.quantize.EntropyAnnealing;
import org.tokenlab.quantize.LookupFreeQuantizer;
import org.tokenlab.quantize.LookupFreeQuantizer.EntropyMode;

class Magvit2ConfigTest {

    static LookupFreeQuantizer lfq(Magvit2Config c) {
        return (LookupFreeQuantizer) c.quantizer();
    }

    @Test
    void thePresetsGiveTheirTokenGrids() {
        assertEquals(new Shape(1, 2, 4, 4), Magvit2Tokenizer.of(Magvit2Config.smoke()).tokenShape(new Shape(1, 1, 5, 16, 16)));
        Magvit2Config cpu = Magvit2Config.cpu();
        assertTrue(cpu.latentBits() >= 10 && cpu.latentBits() <= 14, "cpu d = " + cpu.latentBits());
        assertEquals(EntropyMode.EXACT, lfq(cpu).entropyMode());
        assertEquals(new Shape(1, 3, 8, 8), Magvit2Tokenizer.of(cpu).tokenShape(new Shape(1, 1, 9, 32, 32)));
        Magvit2Config gpu = Magvit2Config.gpu();
        assertEquals(18, gpu.latentBits());
        assertEquals(new Shape(1, 5, 16, 16), Magvit2Tokenizer.of(gpu).tokenShape(new Shape(1, 1, 17, 64, 64)),
                "MAGVIT-v2's 5x16x16 grid");
        assertEquals(EntropyMode.SUBGROUPS, lfq(gpu).entropyMode());
        assertEquals(9, lfq(gpu).groupBits(), "two sub-groups of 9 bits");
        assertEquals(0.25, gpu.commitmentWeight());
        assertEquals(4, gpu.temporalFactor());
        assertEquals(4, gpu.spatialFactor());
    }

    @Test
    void toBuilderStartsFromThePlanAndChangesOnlyWhatIsAsked() {
        for (Magvit2Config preset : new Magvit2Config[] {Magvit2Config.smoke(), Magvit2Config.cpu(), Magvit2Config.gpu()}) {
            assertEquals(preset, preset.toBuilder().build());
        }
        Magvit2Config gentle = Magvit2Config.cpu().toBuilder().optCommitmentWeight(0.05).build();
        assertEquals(0.05, gentle.commitmentWeight());
        assertEquals(Magvit2Config.cpu().latentBits(), gentle.latentBits());
        assertEquals(Magvit2Config.cpu().baseChannels(), gentle.baseChannels());
        assertEquals(Magvit2Config.cpu().entropyWeight(), gentle.entropyWeight());
        Magvit2Config annealed = Magvit2Config.builder().setImageChannels(1)
                .optEntropyAnnealing(EntropyAnnealing.linear(0.3, 0.1, 100)).build();
        assertEquals(annealed, annealed.toBuilder().build());
        Magvit2Config vq = Magvit2Config.cpu().toBuilder().optEntropyWeight(0).optQuantizer(QuantizerKind.VECTOR).build();
        assertEquals(0, vq.entropyWeight());
        assertEquals(0.1, vq.toBuilder().optQuantizer(QuantizerKind.LOOKUP_FREE).build().entropyWeight(),
                "a VQ plan switched to LFQ gets LFQ's default entropy weight");
        int[] multipliers = Magvit2Config.cpu().channelMultipliers();
        Magvit2Config.Builder b = Magvit2Config.cpu().toBuilder();
        multipliers[0] = 99;   // the accessor's copy: changing it changes neither the plan nor the builder
        assertEquals(Magvit2Config.cpu(), b.build());
    }

    @Test
    void theEntropyWeightIsAnnealedByTrainingStep() {
        Magvit2Config annealed = Magvit2Config.builder().setImageChannels(1)
                .optEntropyAnnealing(EntropyAnnealing.linear(0.5, 0.1, 4)).build();
        assertEquals(0.1, annealed.entropyWeight(), "the weight it ends at");
        var lfq = lfq(annealed);
        assertEquals(0.5, lfq.entropyWeight(), 1e-12);
        lfq.setTrainingStep(2);
        assertEquals(0.3, lfq.entropyWeight(), 1e-12);
        lfq.setTrainingStep(10);
        assertEquals(0.1, lfq.entropyWeight(), 1e-12);
        Magvit2Config constant = Magvit2Config.builder().setImageChannels(1)
                .optEntropyAnnealing(EntropyAnnealing.linear(0.5, 0.1, 4)).optEntropyWeight(0.2).build();
        assertNull(constant.entropyAnnealing(), "a constant weight replaces the annealing");
        assertEquals(0.2, lfq(constant).entropyWeight());
    }

    @Test
    void settingsThatDoNotFitAreExplained() {
        String bits = message(() -> Magvit2Config.builder().setImageChannels(1).optLatentBits(63).build());
        assertTrue(bits.contains("latentBits d must be from 1 to 62") && bits.contains("got 63"), bits);
        String none = message(() -> Magvit2Config.builder().setImageChannels(1).optLatentBits(0).build());
        assertTrue(none.contains("latentBits d") && none.contains("maps to d channels"), none);
        String exact = message(() -> Magvit2Config.builder().setImageChannels(1).optLatentBits(30)
                .optEntropyMode(EntropyMode.EXACT).build());
        assertTrue(exact.contains("2^30 codes") && exact.contains("does not fit in memory")
                && exact.contains("optEntropyMode(EntropyMode.SUBGROUPS)") && exact.contains("optEntropyGroupBits(15)"), exact);
        String groupBits = message(() -> Magvit2Config.builder().setImageChannels(1).optLatentBits(18)
                .optEntropyGroupBits(19).build());
        assertTrue(groupBits.contains("entropyGroupBits") && groupBits.contains("from 1 to 18"), groupBits);
        String groups = message(() -> Magvit2Config.builder().setImageChannels(1).optBaseChannels(6).build());
        assertTrue(groups.contains("[6, 12, 12]") && groups.contains("multiple of groups = 4"), groups);
        String flags = message(() -> Magvit2Config.builder().setImageChannels(1).optChannelMultipliers(1, 2, 2, 4).build());
        assertTrue(flags.contains("3 for 4 channel multipliers") && flags.contains("[true, true]"), flags);
        String channels = message(() -> Magvit2Config.builder().build());
        assertTrue(channels.contains("setImageChannels"), channels);
        String reflect = message(() -> Magvit2Config.builder().setImageChannels(1).optTimePadding(PaddingMode.REFLECT).build());
        assertTrue(reflect.contains("future frames"), reflect);
        String weight = message(() -> Magvit2Config.builder().setImageChannels(1).optEntropyWeight(-1).build());
        assertTrue(weight.contains("entropyWeight must be finite and at least 0"), weight);
    }

    private static String message(org.junit.jupiter.api.function.Executable build) {
        return assertThrows(IllegalArgumentException.class, build).getMessage();
    }
}
