package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Derives the Contentstack channel names an event matches, general to specific, the way Contentstack lists them on
 * an execution ({@code content_types.entries.update}, {@code content_types.ref.entries.update},
 * {@code content_types.ref.entries.blt1.update}). README "Channels" has the full table.
 */
@Component("channels")
public class Channels {
    /** Compiled glob lists: the rules and the targets' subscriptions are a handful of strings, matched on every event. */
    private final Map<String, List<Pattern>> compiled = new ConcurrentHashMap<>();

    public List<String> derive(@Body JsonNode event) {
        return derive(EventFacts.of(event));
    }

    public List<String> derive(EventFacts f) {
        Set<String> out = new LinkedHashSet<>();
        switch (f.module()) {
            case ENTRY -> entryChannels(f, out);
            case ASSET -> assetChannels(f, out);
            case CONTENT_TYPE -> scoped("content_types", f.contentTypeUid(), f.outcome(), out);
            case GLOBAL_FIELD -> scoped("global_fields", f.itemUid(), f.outcome(), out);
            case COMMENT -> suffixAll(entryScopes(f), "comments." + f.outcome(), out);
            case DISCUSSION -> suffixAll(entryScopes(f), "discussions." + f.outcome(), out);
            case RELEASE -> releaseChannels(f, out);
            case JOB -> jobChannels(f, out);
            case OTHER -> out.add(segment(f.rawModule()) + "." + f.outcome());
        }
        return new ArrayList<>(out);
    }

    /**
     * True when any channel matches any of the space-separated globs; {@code *} matches any run of characters,
     * dots included. Router rules in routes/router.camel.yaml are written with this.
     */
    public boolean anyMatch(Collection<String> channels, String globs) {
        return mostSpecificMatch(channels, globs).isPresent();
    }

    /** The last (most specific) of the channels that matches any of the space-separated globs. */
    public Optional<String> mostSpecificMatch(Collection<String> channels, String globs) {
        if (channels == null || globs == null || globs.isBlank()) {
            return Optional.empty();
        }
        List<Pattern> patterns = compiled.computeIfAbsent(globs,
                g -> Arrays.stream(g.trim().split("\\s+")).map(Channels::globPattern).toList());
        return channels.stream().filter(c -> patterns.stream().anyMatch(p -> p.matcher(c).matches()))
                .reduce((earlier, later) -> later);
    }

    static Pattern globPattern(String glob) {
        List<String> literals = new ArrayList<>();
        for (String part : glob.split("\\*", -1)) {
            literals.add(Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", literals));
    }

    private void entryChannels(EventFacts f, Set<String> out) {
        if (isPublishing(f)) {
            // the "any entry (un)published" channel names the action alone when it succeeded
            out.add("content_types.entries." + (f.succeeded() ? f.action() : f.outcome()));
            for (String scope : entryScopes(f)) {
                environmentChannels(scope, f, out);
            }
        } else if ("create".equals(f.outcome())) {
            // a new entry has no per-entry channel yet
            suffixAll(entryScopes(f).subList(0, Math.min(2, entryScopes(f).size())), "create", out);
        } else {
            suffixAll(entryScopes(f), f.outcome(), out);
        }
    }

    private void assetChannels(EventFacts f, Set<String> out) {
        if (isPublishing(f)) {
            out.add("assets." + (f.succeeded() ? f.action() : f.outcome()));
            environmentChannels("assets", f, out);
            if (f.itemUid() != null) {
                environmentChannels("assets." + f.itemUid(), f, out);
            }
        } else {
            scoped("assets", f.itemUid(), f.outcome(), out);
        }
    }

    /** {@code releases[.{uid}].environments[.{environment_name}].deploy[.{status}]}. */
    private void releaseChannels(EventFacts f, Set<String> out) {
        List<String> releases = new ArrayList<>(List.of("releases"));
        if (f.itemUid() != null) {
            releases.add("releases." + f.itemUid());
        }
        for (String release : releases) {
            List<String> scopes = new ArrayList<>(List.of(release + ".environments"));
            if (f.environmentName() != null) {
                scopes.add(release + ".environments." + f.environmentName());
            }
            for (String scope : scopes) {
                out.add(scope + "." + f.outcome());
                if (f.status() != null) {
                    out.add(scope + "." + f.outcome() + "." + f.status().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /** {@code jobs.environments[.{environment_name}].{publish|unpublish}.completed}. */
    private void jobChannels(EventFacts f, Set<String> out) {
        String suffix = (f.jobAction() == null ? "" : f.jobAction() + ".") + "completed";
        out.add("jobs.environments." + suffix);
        if (f.environmentName() != null) {
            out.add("jobs.environments." + f.environmentName() + "." + suffix);
        }
    }

    /** {@code <scope>.environments[.{env}].<outcome>}, {env} as both uid and name since the public docs disagree. */
    private void environmentChannels(String scope, EventFacts f, Set<String> out) {
        out.add(scope + ".environments." + f.outcome());
        if (f.environmentUid() != null) {
            out.add(scope + ".environments." + f.environmentUid() + "." + f.outcome());
        }
        if (f.environmentName() != null) {
            out.add(scope + ".environments." + f.environmentName() + "." + f.outcome());
        }
    }

    private List<String> entryScopes(EventFacts f) {
        List<String> scopes = new ArrayList<>(List.of("content_types.entries"));
        if (f.contentTypeUid() != null) {
            scopes.add("content_types." + f.contentTypeUid() + ".entries");
            if (f.itemUid() != null) {
                scopes.add("content_types." + f.contentTypeUid() + ".entries." + f.itemUid());
            }
        }
        return scopes;
    }

    private static void suffixAll(List<String> scopes, String suffix, Set<String> out) {
        for (String scope : scopes) {
            out.add(scope + "." + suffix);
        }
    }

    /** {@code prefix.outcome}, then {@code prefix.uid.outcome} except for creations, which have no uid channel. */
    private static void scoped(String prefix, String uid, String outcome, Set<String> out) {
        out.add(prefix + "." + outcome);
        if (uid != null && !"create".equals(outcome)) {
            out.add(prefix + "." + uid + "." + outcome);
        }
    }

    private static boolean isPublishing(EventFacts f) {
        return f.action().equals("publish") || f.action().equals("unpublish");
    }

    private static String segment(String raw) {
        return raw.toLowerCase(Locale.ROOT).trim().replaceAll("[^a-z0-9]+", "_");
    }
}
