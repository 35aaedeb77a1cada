package io.cmsrouter.cluster;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * This router's name among those sharing its database ({@code router.instance-id}): by default its host name and
 * process id, which differ between two routers on one machine and across restarts.
 */
@Component("instanceId")
public class InstanceId {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final String id;

    public InstanceId(@Value("${router.instance-id:}") String configured) {
        String id = configured.isBlank() ? hostName() + "-" + ProcessHandle.current().pid() : configured.trim();
        if (!ALLOWED.matcher(id).matches()) {
            throw new IllegalStateException("router.instance-id (ROUTER_INSTANCE_ID) '" + id + "' must be 1 to 128"
                    + " letters, digits, '_', '.', ':' or '-'");
        }
        this.id = id;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.:-]", "_");
        } catch (UnknownHostException e) {
            return "router";
        }
    }
}
