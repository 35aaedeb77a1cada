package io.cmsrouter.reload;

import io.cmsrouter.settings.RouteFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * With {@code router.routes.watch=true}, reloads the routes when a route file changes: once the directory has been
 * quiet for {@code router.routes.watch-quiet-period}, so that an editor's several writes make one reload. A refused
 * edit is logged (RouteReload) and changes nothing; the next save is checked again.
 */
@Component
@ConditionalOnProperty(name = "router.routes.watch", havingValue = "true")
public class RouteWatcher implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(RouteWatcher.class);

    private final RouteReload reload;
    private final String includePattern;
    private final Duration quietPeriod;
    private volatile WatchService watch;
    private volatile Thread thread;

    public RouteWatcher(RouteReload reload, @Value("${camel.main.routes-include-pattern}") String includePattern,
                        @Value("${router.routes.watch-quiet-period}") Duration quietPeriod) {
        this.reload = reload;
        this.includePattern = includePattern;
        this.quietPeriod = quietPeriod;
    }

    @Override
    public void start() {
        try {
            watch = FileSystems.getDefault().newWatchService();
            Set<Path> directories = new LinkedHashSet<>();
            for (Resource file : RouteFiles.resolve(includePattern)) {
                directories.add(file.getFile().toPath().toAbsolutePath().getParent());
            }
            for (Path directory : directories) {
                directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            LOG.info("Watching {} for route edits", directories);
        } catch (IOException e) {
            throw new IllegalStateException("router.routes.watch=true, but the route files cannot be watched: "
                    + e.getMessage(), e);
        }
        thread = new Thread(this::watch, "route-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reloads once the directory has been quiet for the quiet period; a reload found busy is tried again then. */
    private void watch() {
        try {
            boolean pending = false;
            while (true) {
                WatchKey key = pending ? watch.poll(quietPeriod.toMillis(), TimeUnit.MILLISECONDS) : watch.take();
                if (key != null) {
                    // any event, an overflow or a ConfigMap's swapped ..data link included
                    key.pollEvents();
                    key.reset();
                    pending = true;
                } else {
                    pending = !reloaded();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /** False when another reload was under way, to try again after the quiet period. */
    private boolean reloaded() {
        try {
            reload.reload();
        } catch (InvalidRoutesException refused) {
            // RouteReload has logged each problem; GET /admin/routes shows them as last_reload
        } catch (RoutesBusyException e) {
            if (e.isAnotherReload()) {
                LOG.info("Route files changed during another reload ({}); trying again", e.getMessage());
                return false;
            }
            // a route still busy (a long bulk job): the next save, or POST /admin/routes/reload, tries again
            LOG.warn("Route files changed, and the routes were not reloaded: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Route files changed, and the reload failed", e);
        }
        return true;
    }

    @Override
    public void stop() {
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the route watch", e);
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
