package io.sfsync.config;

import java.util.List;

/**
 * Account matching and Contact association.
 *
 * @param matchBy "domain" and/or "name", in order
 * @param domainColumn source column with the company's domain or website
 * @param nameColumn source column with the company's name
 */
public record AccountsConfig(boolean enabled, List<String> matchBy, String domainColumn, String nameColumn,
        boolean create, boolean update, boolean associateContacts, boolean overrideExistingAssociation) {
}
