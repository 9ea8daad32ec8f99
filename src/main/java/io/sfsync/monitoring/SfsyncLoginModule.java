package io.sfsync.monitoring;

import java.io.IOException;
import java.io.Serializable;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

import io.sfsync.api.UserDirectory;

/**
 * JAAS login module behind Hawtio's login: checks the user name and password against the
 * {@link UserDirectory} that {@link HawtioServer} registered, and on success gives the subject a
 * {@link UserPrincipal} and one {@link RolePrincipal} per role.
 *
 * <p>JAAS creates login modules reflectively with the no-argument constructor, so the directory
 * cannot be passed to a constructor. It travels in the login configuration entry's options map
 * ({@link #DIRECTORY_OPTION}), which JAAS hands to {@link #initialize} unchanged: no static state.
 *
 * <p>Passwords are never logged, put in exception messages, or kept: the copy JAAS hands over is
 * wiped once the directory has answered.
 */
public final class SfsyncLoginModule implements LoginModule {

    /** Option key under which the configuration entry carries the {@link UserDirectory} object. */
    public static final String DIRECTORY_OPTION = "io.sfsync.userDirectory";

    /** The user's name; Hawtio finds it by the simple class name "UserPrincipal". */
    public record UserPrincipal(String name) implements Principal, Serializable {
        @Override
        public String getName() {
            return name;
        }
    }

    /** One role of the user; its class name is Hawtio's {@code hawtio.rolePrincipalClasses}. */
    public record RolePrincipal(String name) implements Principal, Serializable {
        @Override
        public String getName() {
            return name;
        }
    }

    private Subject subject;
    private CallbackHandler callbackHandler;
    private UserDirectory directory;

    private String username;
    private Set<String> roles;
    private final Set<Principal> added = new LinkedHashSet<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
        Object d = options == null ? null : options.get(DIRECTORY_OPTION);
        this.directory = d instanceof UserDirectory u ? u : null;
    }

    @Override
    public boolean login() throws LoginException {
        if (directory == null) {
            throw new LoginException("No user directory configured for this login module");
        }
        if (callbackHandler == null) {
            throw new LoginException("No CallbackHandler to ask for a user name and password");
        }
        NameCallback nameCallback = new NameCallback("username: ");
        PasswordCallback passwordCallback = new PasswordCallback("password: ", false);
        try {
            callbackHandler.handle(new Callback[] {nameCallback, passwordCallback});
        } catch (IOException | UnsupportedCallbackException e) {
            LoginException le = new LoginException("Cannot read the user name and password: " + e.getClass().getSimpleName());
            le.initCause(e);
            throw le;
        }
        String name = nameCallback.getName();
        char[] given = passwordCallback.getPassword(); // a copy
        passwordCallback.clearPassword();
        try {
            if (name == null || name.isBlank() || given == null || given.length == 0) {
                throw new FailedLoginException("User name or password missing");
            }
            Optional<Set<String>> result;
            try {
                result = directory.authenticate(name, given);
            } catch (RuntimeException e) {
                // the directory's own message might echo input: keep only the type
                throw new FailedLoginException("User directory failed: " + e.getClass().getName());
            }
            if (result == null || result.isEmpty()) {
                throw new FailedLoginException("Invalid user name or password");
            }
            Set<String> granted = new LinkedHashSet<>();
            for (String role : result.get()) {
                if (role != null && !role.isBlank()) {
                    granted.add(role.trim());
                }
            }
            this.username = name;
            this.roles = granted;
            return true;
        } finally {
            if (given != null) {
                Arrays.fill(given, '\0');
            }
        }
    }

    @Override
    public boolean commit() throws LoginException {
        if (username == null) {
            return false;
        }
        if (subject.isReadOnly()) {
            clear();
            throw new LoginException("Subject is read-only");
        }
        added.add(new UserPrincipal(username));
        for (String role : roles) {
            added.add(new RolePrincipal(role));
        }
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        if (username == null) {
            return false;
        }
        logout();
        return true;
    }

    @Override
    public boolean logout() {
        if (subject != null && !subject.isReadOnly()) {
            subject.getPrincipals().removeAll(added);
        }
        clear();
        return true;
    }

    private void clear() {
        added.clear();
        username = null;
        roles = null;
    }
}
