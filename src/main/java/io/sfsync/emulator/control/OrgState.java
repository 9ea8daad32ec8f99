package io.sfsync.emulator.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;

/**
 * Keeps the org in a JSON file between runs ({@code sfsync emulator --state FILE}): custom objects
 * (with their key prefixes), custom fields and every record with its Id. Written atomically (temp
 * file, then rename).
 */
public final class OrgState {
    private final ObjectMapper mapper = new ObjectMapper();
    private final EmulatedOrg org;
    private final OrgLoader loader;

    public OrgState(EmulatedOrg org, OrgLoader loader) {
        this.org = org;
        this.loader = loader;
    }

    public void save(Path file) {
        Map<String, Object> state = new LinkedHashMap<>();
        List<Map<String, Object>> objects = new ArrayList<>();
        List<Map<String, Object>> fields = new ArrayList<>();
        for (SObjectDef def : org.schema().objects()) {
            if (def.custom()) {
                objects.add(CustomObjects.shapeOf(def));
            }
            for (FieldDef f : def.fields()) {
                if (f.custom()) {
                    fields.add(FieldSpec.of(def, f));
                }
            }
        }
        state.put("objects", objects);
        state.put("fields", fields);
        state.put("records", org.snapshot());
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "emulator-state", ".json");
            mapper.writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the emulator state to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the file if it exists; returns whether it did. */
    @SuppressWarnings("unchecked")
    public boolean load(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Map<String, Object> state = mapper.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
            for (Map<String, Object> o : (List<Map<String, Object>>) state.getOrDefault("objects", List.of())) {
                loader.defineObject(o);
            }
            for (Map<String, Object> f : (List<Map<String, Object>>) state.getOrDefault("fields", List.of())) {
                loader.addField(f);
            }
            org.restore((Map<String, List<Map<String, Object>>>) state.getOrDefault("records", Map.of()));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the emulator state " + file + ": " + e.getMessage(), e);
        }
    }
}
