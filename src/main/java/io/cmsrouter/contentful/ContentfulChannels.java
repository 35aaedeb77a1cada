package io.cmsrouter.contentful;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Channel names of a Contentful event, general to specific, the topic itself first:
 * <pre>
 * ContentManagement.Entry.publish
 * ContentManagement.Entry.environments.{env}.publish
 * ContentManagement.Entry.environments.{env}.content_types.{ct}.publish
 * ContentManagement.Entry.environments.{env}.content_types.{ct}.entries.{id}.publish
 * ContentManagement.Asset.environments.{env}.assets.{id}.publish
 * ContentManagement.{Type}.environments.{env}.{id}.{action}                 (any other type)
 * ...{action}.{status}                                                       (action events with a status)
 * </pre>
 * Every name starts with {@code ContentManagement.}, which no Contentstack channel does (theirs are lower case), so a
 * rule can take one source or both without the two colliding.
 */
public final class ContentfulChannels {

    private ContentfulChannels() {
    }

    public static List<String> derive(ContentfulFacts f) {
        Set<String> out = new LinkedHashSet<>();
        String prefix = "ContentManagement." + f.type();
        out.add(f.topic());
        List<String> scopes = new ArrayList<>(List.of(prefix + ".environments." + f.environment()));
        switch (f.type()) {
            case "Entry" -> {
                if (f.contentType() != null) {
                    String contentType = scopes.get(0) + ".content_types." + f.contentType();
                    scopes.add(contentType);
                    if (f.id() != null) {
                        scopes.add(contentType + ".entries." + f.id());
                    }
                }
            }
            case "Asset" -> {
                if (f.id() != null) {
                    scopes.add(scopes.get(0) + ".assets." + f.id());
                }
            }
            default -> {
                if (f.id() != null) {
                    scopes.add(scopes.get(0) + "." + f.id());
                }
            }
        }
        for (String scope : scopes) {
            out.add(scope + "." + f.action());
            if (f.status() != null && isActionEvent(f.type())) {
                out.add(scope + "." + f.action() + "." + f.status());
            }
        }
        return new ArrayList<>(out);
    }

    /** Releases' actions, bulk and scheduled actions report how they went in {@code sys.status}. */
    private static boolean isActionEvent(String type) {
        return type.equals("ReleaseAction") || type.equals("BulkAction") || type.equals("ScheduledAction");
    }
}
