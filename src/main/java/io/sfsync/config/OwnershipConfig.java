package io.sfsync.config;

/**
 * @param ownerFrom the source column holding the owner's email (the active User with it owns new records)
 * @param fallback when no such user: ASSIGNMENT_RULES, USER (target = email or Id), QUEUE (target = name or Id), NONE
 */
public record OwnershipConfig(String ownerFrom, Fallback fallback, String fallbackTarget,
        boolean updateRegardlessOfOwnership) {

    public enum Fallback { ASSIGNMENT_RULES, USER, QUEUE, NONE }
}
