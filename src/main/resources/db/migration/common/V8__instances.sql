-- Plain SQL that H2 and PostgreSQL both run (db/migration/common, after each database's own migrations).

-- The routers sharing this database: each names itself (router.instance-id),
-- says it is alive every router.cluster.heartbeat-interval, and says how many executions it holds.
create table router_instance (
    instance_id  varchar(128) primary key,
    started_at   timestamp with time zone not null,
    heartbeat_at timestamp with time zone not null,
    holds        integer      default 0 not null
);

-- The instance that received (or recovered) an execution.
alter table execution add column received_by varchar(128);
