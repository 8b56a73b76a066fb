package org.tokenlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessorTest {

    @Test
    void readsVendorModelAndFamilyFromCpuinfo() {
        Processor p = Processor.parse(List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26",
                "model\t\t: 2", "model name\t: AMD EPYC", "processor\t: 1", "cpu family\t: 25"));
        assertEquals(new Processor("AuthenticAMD", "AMD EPYC", 26), p);
        assertEquals("AMD EPYC (AuthenticAMD, CPU family 26)", p.toString());
    }

    @Test
    void missingFieldsAreUnknown() {
        Processor p = Processor.parse(List.of("processor\t: 0"));
        assertEquals(new Processor("unknown", "unknown", -1), p);
        assertEquals("unknown (unknown, CPU family unknown)", p.toString());
    }
}
