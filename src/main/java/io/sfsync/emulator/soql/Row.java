package io.sfsync.emulator.soql;

import java.util.Map;

/** A stored record together with its sObject type (records themselves do not carry it). */
record Row(Map<String, Object> fields, String type) {}
