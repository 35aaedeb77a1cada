-- One row per accepted webhook, shaped after Contentstack's "Get executions of a webhook".
create table execution (
    uid           varchar(64)  primary key,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null,
    status        varchar(16)  not null,
    module        varchar(64)  not null,
    event         varchar(128) not null,
    channels      clob         not null,
    event_data    clob         not null,
    event_headers clob         not null,
    job_id        varchar(128),
    error         varchar(4000)
);
create index execution_created_at on execution (created_at);
create index execution_status on execution (status);

-- One row per entry, asset or content type an execution touched, with how many attempts it took.
create table execution_item (
    execution_uid    varchar(64)  not null references execution (uid) on delete cascade,
    item_key         varchar(1024) not null,
    type             varchar(16)  not null,
    content_type_uid varchar(256),
    uid              varchar(256),
    locale           varchar(64),
    environment      varchar(256),
    action           varchar(32)  not null,
    version          integer,
    status           varchar(16)  not null,
    attempts         integer      not null,
    error            varchar(4000),
    updated_at       timestamp with time zone not null,
    primary key (execution_uid, item_key)
);
