package io.sfsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PayloadHasherTest {

    /**
     * The hash is stored in sync_link: if its form ever changed, every linked row would look changed and be
     * written again. Pinned to SHA-256 of the documented canonical text {key=value;…} with keys sorted.
     */
    @Test
    void theHashIsTheSha256OfTheSortedCanonicalText() {
        Map<String, Object> lead = new HashMap<>();
        lead.put("Title", null);
        lead.put("NumberOfEmployees", 12);
        lead.put("LastName", "O'Brien");
        lead.put("Email", "a@x.example");
        assertThat(PayloadHasher.hash(Map.of("Lead", lead)))
                .isEqualTo("a8cad24a6a520701dc25c616fc284c1a50664f8feaa9cd6cb97e6efb94584e69");
    }

    @Test
    void nonAsciiTextIsHashedAsUtf8() {
        assertThat(PayloadHasher.hash(Map.of("Lead", Map.of("Email", "a@x.example", "City", "Zürich"))))
                .isEqualTo("0cc08a934b5cdbb55166e8e8a695b0730018b29a8312a93cad09534b523620b6");
        // longer than the reused buffer: the same hash as through String.getBytes
        String longText = "x".repeat(2000);
        assertThat(PayloadHasher.hash(Map.of("Lead", Map.of("Description", longText))))
                .isEqualTo(sha256("{Lead={Description=" + longText + ";};}"));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mapOrderDoesNotMatterButValuesDo() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("Email", "a@x.example");
        a.put("Phone", "+1 555 0100");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("Phone", "+1 555 0100");
        b.put("Email", "a@x.example");
        assertThat(PayloadHasher.hash(Map.of("Lead", a))).isEqualTo(PayloadHasher.hash(Map.of("Lead", b)));
        b.put("Phone", "+1 555 0101");
        assertThat(PayloadHasher.hash(Map.of("Lead", a))).isNotEqualTo(PayloadHasher.hash(Map.of("Lead", b)));
    }
}
