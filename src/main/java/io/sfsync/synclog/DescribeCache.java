package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

/** sync_describe: each object's describe (as JSON) as the last run's opening call found it. */
public final class DescribeCache {
    private final DataSource ds;
    private final SqlSupport sql;

    DescribeCache(DataSource ds, SqlSupport sql) {
        this.ds = ds;
        this.sql = sql;
    }

    /** The kept describes of these objects, by object name; objects never described are missing. */
    public Map<String, String> read(Collection<String> objects) {
        return sql.retrying("read the kept describes", () -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (Connection c = ds.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT describe FROM sync_describe WHERE sobject = ?")) {
                for (String object : objects) {
                    ps.setString(1, object);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.put(object, rs.getString(1));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Keeps these describes (object name → JSON), replacing what was kept for them. */
    public void save(Map<String, String> describes) {
        sql.retrying("keep the describes", () -> {
            for (int attempt = 1; ; attempt++) {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement upd = c.prepareStatement(
                                    "UPDATE sync_describe SET describe = ?, fetched_at = ? WHERE sobject = ?");
                            PreparedStatement ins = c.prepareStatement(
                                    "INSERT INTO sync_describe (sobject, describe, fetched_at) VALUES (?, ?, ?)")) {
                        for (Map.Entry<String, String> e : describes.entrySet()) {
                            upd.setString(1, e.getValue());
                            upd.setObject(2, SqlSupport.now());
                            upd.setString(3, e.getKey());
                            if (upd.executeUpdate() == 0) {
                                ins.setString(1, e.getKey());
                                ins.setString(2, e.getValue());
                                ins.setObject(3, SqlSupport.now());
                                ins.executeUpdate();
                            }
                        }
                        c.commit();
                        return null;
                    } catch (java.sql.SQLException e) {
                        SqlSupport.rollbackQuietly(c);
                        // another instance kept the same object's describe at the same moment: update it this time
                        if (!"23505".equals(e.getSQLState()) || attempt >= 3) {
                            throw e;
                        }
                    } catch (RuntimeException e) {
                        SqlSupport.rollbackQuietly(c);
                        throw e;
                    }
                }
            }
        });
    }

}
