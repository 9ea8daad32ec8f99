package io.sfsync.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import javax.sql.DataSource;

import net.datafaker.Faker;

/**
 * A realistic prospect list for the demo and the benchmark: companies with domains, people with
 * valid / risky / invalid emails, phones, owners — and a few deliberate problem rows (a quote in an
 * email, an invalid email, an over-long title, a repeated email, do-not-contact). Deterministic for
 * a given seed.
 */
public final class DemoData {
    /** The sales reps whose emails appear as owners (the demo org has them as Users). */
    public static final List<String> OWNERS = List.of("ana.silva@sfsync-demo.example", "ben.okafor@sfsync-demo.example",
            "chloe.martin@sfsync-demo.example", "dan.inactive@sfsync-demo.example", "nobody@elsewhere.example");
    private static final List<String> INDUSTRIES = List.of("Technology", "Software", "SaaS", "IT", "Finance", "Fintech",
            "Banking", "Healthcare", "Retail", "Manufacturing", "Education", "Media", "Crypto");

    /** One generated person, as the demo org needs to know it. */
    public record Person(long id, String firstName, String lastName, String email, String companyName,
            String companyDomain, String ownerEmail) {
    }

    private DemoData() {
    }

    /** True when the source already has people (the demo seeds an empty database only). */
    public static boolean hasPeople(DataSource ds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM person");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the demo source: " + e.getMessage(), e);
        }
    }

    /** Generates {@code people} people in {@code people / 5} companies, with the problem rows first. */
    public static List<Person> generate(DataSource ds, int people, long seed) {
        Random random = new Random(seed);
        Faker faker = new Faker(Locale.US, random);
        int companies = Math.max(3, people / 5);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String[]> companyRows = new ArrayList<>();
        Set<String> domains = new HashSet<>();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO company (id, name, domain, website, industry, employees,"
                    + " phone, street, city, state, postal_code, country, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (int i = 1; i <= companies; i++) {
                    String name = faker.company().name();
                    String domain = domainOf(name, domains, i);
                    companyRows.add(new String[] {name, domain});
                    ps.setLong(1, i);
                    ps.setString(2, name);
                    ps.setString(3, domain);
                    ps.setString(4, "https://www." + domain);
                    ps.setString(5, INDUSTRIES.get(random.nextInt(INDUSTRIES.size())));
                    ps.setInt(6, 5 + random.nextInt(5000));
                    ps.setString(7, faker.phoneNumber().cellPhone());
                    ps.setString(8, faker.address().streetAddress());
                    ps.setString(9, faker.address().city());
                    ps.setString(10, faker.address().stateAbbr());
                    ps.setString(11, faker.address().zipCode());
                    ps.setString(12, "United States");
                    ps.setObject(13, at(now.minus(40, ChronoUnit.DAYS)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<Person> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO person (id, company_id, first_name, last_name, email,"
                    + " email_status, phone, title, owner_email, lead_source, street, city, state, postal_code, country,"
                    + " do_not_contact, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (int i = 1; i <= people; i++) {
                    int company = 1 + random.nextInt(companies);
                    String first = faker.name().firstName();
                    String last = faker.name().lastName();
                    String domain = companyRows.get(company - 1)[1];
                    String email = (first + "." + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z.]", "") + i + "@" + domain;
                    int roll = random.nextInt(100);
                    String status = roll < 70 ? "valid" : roll < 88 ? "risky" : roll < 95 ? "invalid" : "unknown";
                    String title = faker.job().title();
                    boolean dnc = random.nextInt(40) == 0;
                    // deliberate problem rows, so every outcome shows in the demo's report
                    switch (i) {
                        case 1 -> { email = "o'brien" + i + "@" + domain; status = "valid"; last = "O'Brien"; dnc = false; }
                        case 2 -> { email = "not-an-email"; status = "risky"; dnc = false; }
                        case 3 -> { title = "Senior Vice President of ".repeat(8) + "Everything"; status = "valid"; dnc = false; }
                        case 4 -> { last = null; status = "valid"; dnc = false; }
                        case 5, 6 -> { email = "shared.inbox@" + companyRows.get(0)[1]; status = "valid"; dnc = false; company = 1; }
                        case 7 -> { dnc = true; status = "valid"; }
                        default -> { }
                    }
                    String owner = OWNERS.get(random.nextInt(OWNERS.size()));
                    if (i == 11) {
                        owner = OWNERS.get(1); // the demo org has this person as a Contact owned by another rep
                    }
                    ps.setLong(1, i);
                    ps.setLong(2, company);
                    ps.setString(3, first);
                    ps.setString(4, last);
                    ps.setString(5, email);
                    ps.setString(6, status);
                    ps.setString(7, random.nextInt(4) == 0 ? null : faker.phoneNumber().cellPhone());
                    ps.setString(8, title);
                    ps.setString(9, owner);
                    ps.setString(10, random.nextBoolean() ? "Web" : null);
                    ps.setString(11, faker.address().streetAddress());
                    ps.setString(12, faker.address().city());
                    ps.setString(13, faker.address().stateAbbr());
                    ps.setString(14, faker.address().zipCode());
                    ps.setString(15, "United States");
                    ps.setBoolean(16, dnc);
                    ps.setObject(17, at(now.minus(people - i + 1L, ChronoUnit.MINUTES)));
                    ps.addBatch();
                    if (i % 1000 == 0) {
                        ps.executeBatch();
                    }
                    out.add(new Person(i, first, last, email, companyRows.get(company - 1)[0], companyRows.get(company - 1)[1],
                            owner));
                }
                ps.executeBatch();
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the demo source: " + e.getMessage(), e);
        }
    }

    /**
     * Touchpoints of a third of the people: one to three each (an email, a LinkedIn message, a call), sent
     * by the person's owner in the days before now. Returns how many were written.
     */
    public static int generateTouchpoints(DataSource ds, List<Person> people, long seed) {
        Random random = new Random(seed);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String[] kinds = {"email", "linkedin", "call"};
        String[] subjects = {"Quick question about %s", "Following up with %s", "Call with %s"};
        int n = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO touchpoint (id, person_id, kind, subject, body,"
                    + " occurred_at, sender_email) VALUES (?,?,?,?,?,?,?)")) {
                for (Person p : people) {
                    if (p.id() % 3 != 0) {
                        continue;
                    }
                    int count = 1 + random.nextInt(3);
                    for (int k = 0; k < count; k++) {
                        n++;
                        ps.setLong(1, n);
                        ps.setLong(2, p.id());
                        ps.setString(3, kinds[k]);
                        ps.setString(4, String.format(Locale.ROOT, subjects[k], p.companyName()));
                        ps.setString(5, "Hi " + (p.firstName() == null ? "there" : p.firstName()) + ", "
                                + (k == 2 ? "thanks for the call today." : "I noticed " + p.companyName()
                                        + " is growing fast and wanted to share how teams like yours sync their CRM."));
                        ps.setObject(6, at(now.minus(3L * (count - k), ChronoUnit.DAYS).minus(p.id(), ChronoUnit.MINUTES)));
                        ps.setString(7, p.ownerEmail());
                        ps.addBatch();
                        if (n % 1000 == 0) {
                            ps.executeBatch();
                        }
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the demo touchpoints: " + e.getMessage(), e);
        }
    }

    /** The people already in the source (for seeding the demo org after a restart). */
    public static List<Person> read(DataSource ds, int limit) {
        String sql = "SELECT p.id, p.first_name, p.last_name, p.email, c.name, c.domain, p.owner_email FROM person p"
                + " LEFT JOIN company c ON c.id = p.company_id ORDER BY p.id FETCH FIRST " + limit + " ROWS ONLY";
        List<Person> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Person(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the demo source: " + e.getMessage(), e);
        }
        return out;
    }

    private static String domainOf(String name, Set<String> taken, int n) {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        base = base.replaceAll("-(and|llc|inc|group|ltd)(-|$)", "$2").replaceAll("-+$", "");
        String d = (base.isEmpty() ? "company" + n : base) + ".example";
        while (!taken.add(d)) {
            d = base + n + ".example";
        }
        return d;
    }

    private static OffsetDateTime at(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
