-- execution_item is rebuilt with its primary key declared before its foreign key. H2 plans a statement once per
-- connection and keeps the plan; planned on an empty table, an item's update by (execution_uid, item_key) tied between
-- the two indexes and took the first, the foreign key's, which scans every item of the execution: a fan-out of n items
-- cost n² row reads. Declared first, the primary key wins the tie.
create table execution_item_v6 (
    execution_uid    uuid          not null,
    item_key         varchar(1024) not null,
    type             varchar(16)   not null,
    content_type_uid varchar(256),
    uid              varchar(256),
    locale           varchar(64),
    environment      varchar(256),
    environment_uid  varchar(256),
    action           varchar(32)   not null,
    version          integer,
    -- orders this item's event against others for the same item; kept so a scheduled retry applies it as it was
    event_time       timestamp with time zone not null,
    status           varchar(16)   not null,
    attempts         integer       not null,
    error            varchar(4000),
    title            varchar(1024),
    url              varchar(2048),
    notified         boolean       default false not null,
    next_attempt_at  timestamp with time zone,
    retry_until      timestamp with time zone,
    updated_at       timestamp with time zone not null,
    primary key (execution_uid, item_key),
    constraint execution_item_execution foreign key (execution_uid) references execution (uid) on delete cascade
);

insert into execution_item_v6 (execution_uid, item_key, type, content_type_uid, uid, locale, environment,
                               environment_uid, action, version, event_time, status, attempts, error, title, url,
                               notified, next_attempt_at, retry_until, updated_at)
select execution_uid, item_key, type, content_type_uid, uid, locale, environment, environment_uid, action, version,
       event_time, status, attempts, error, title, url, notified, next_attempt_at, retry_until, updated_at
from execution_item;

drop table execution_item;
alter table execution_item_v6 rename to execution_item;
-- items waiting for a scheduled retry, soonest first
create index execution_item_due on execution_item (status, next_attempt_at);
