-- The content cache's durable copy. Caffeine sits in front of it for reads; a row whose body is null is a
-- tombstone: the item was unpublished or deleted, and the row keeps that event's order so an older publish
-- arriving later cannot bring it back.
create table content_item (
    cache_key        varchar(1024) primary key,
    type             varchar(16)  not null,
    content_type_uid varchar(256),
    uid              varchar(256) not null,
    environment      varchar(256) not null,
    locale           varchar(64)  not null,
    body             clob,
    version          integer,
    event_time       timestamp with time zone not null,
    updated_at       timestamp with time zone not null
);
create index content_item_uid on content_item (uid);
create index content_item_content_type on content_item (content_type_uid);

-- One row per distinct delivery (payload without triggered_at), for deduplicating Contentstack's redeliveries.
create table delivery (
    fingerprint   varchar(64) primary key,
    execution_uid varchar(64) not null references execution (uid) on delete cascade,
    received_at   timestamp with time zone not null
);
create index delivery_received_at on delivery (received_at);
