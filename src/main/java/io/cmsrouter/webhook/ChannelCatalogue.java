package io.cmsrouter.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the router's channel globs (its rules in routes/router.camel.yaml) into the concrete channels a Contentstack
 * webhook subscribes to. A glob without {@code *} is a channel already. A glob with {@code *} stands for the
 * stack-wide channels it matches in {@link #GENERAL}: those fire for every content type, entry, asset, release and
 * environment, so subscribing to them loses no event the glob would take. A glob that is not a Contentstack channel
 * (a Contentful rule) is left out; a Contentstack glob that matches none of them cannot be subscribed to and is
 * reported, so the operator can name its channels in {@code contentstack.webhook.channels}.
 */
public final class ChannelCatalogue {
    /** Contentstack's stack-wide channels, from its Webhook Events page (shared/reference/contentstack-api.md). */
    public static final List<String> GENERAL = List.of(
            "content_types.create", "content_types.update", "content_types.delete",
            "global_fields.create", "global_fields.update", "global_fields.delete",
            "content_types.entries.create", "content_types.entries.update", "content_types.entries.delete",
            "content_types.entries.publish", "content_types.entries.publish.fail",
            "content_types.entries.unpublish", "content_types.entries.unpublish.fail",
            "content_types.entries.environments.publish.success", "content_types.entries.environments.publish.fail",
            "content_types.entries.environments.unpublish.success",
            "content_types.entries.environments.unpublish.fail",
            "content_types.entries.comments.create", "content_types.entries.comments.update",
            "content_types.entries.comments.delete", "content_types.entries.discussions.create",
            "content_types.entries.discussions.resolve", "content_types.entries.discussions.reopen",
            "content_types.entries.workflows",
            "assets.create", "assets.update", "assets.delete", "assets.publish", "assets.publish.fail",
            "assets.unpublish", "assets.unpublish.fail", "assets.environments.publish.success",
            "assets.environments.publish.fail", "assets.environments.unpublish.success",
            "assets.environments.unpublish.fail",
            "releases.environments.deploy",
            "jobs.environments.publish.completed", "jobs.environments.unpublish.completed");

    /** The first segment of every Contentstack channel. */
    private static final Set<String> ROOTS = Set.of("content_types", "global_fields", "assets", "releases", "jobs",
            "taxonomies", "taxonomy", "branch", "branch_alias");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9_.*-]+");

    /** The channels to subscribe to, and the Contentstack globs that matched no channel it could subscribe to. */
    public record Resolution(List<String> channels, List<String> unresolved) {
    }

    private ChannelCatalogue() {
    }

    /** Resolves space-separated glob lists, in the order given, each channel once. */
    public static Resolution resolve(Collection<String> globLists) {
        Set<String> channels = new LinkedHashSet<>();
        List<String> unresolved = new ArrayList<>();
        for (String globList : globLists) {
            for (String glob : globList.trim().split("\\s+")) {
                if (!isContentstack(glob)) {
                    continue;
                }
                if (!glob.contains("*")) {
                    channels.add(glob);
                    continue;
                }
                Pattern pattern = Channels.globPattern(glob);
                List<String> matched = GENERAL.stream().filter(c -> pattern.matcher(c).matches()).toList();
                if (matched.isEmpty()) {
                    unresolved.add(glob);
                }
                channels.addAll(matched);
            }
        }
        return new Resolution(List.copyOf(channels), List.copyOf(unresolved));
    }

    /** Whether a glob can be a Contentstack channel: lower case, and rooted where Contentstack's are (or {@code *}). */
    static boolean isContentstack(String glob) {
        if (glob.isEmpty() || !CHANNEL.matcher(glob).matches()) {
            return false;
        }
        String root = glob.split("[.*]", 2)[0];
        return root.isEmpty() || ROOTS.contains(root);
    }
}
