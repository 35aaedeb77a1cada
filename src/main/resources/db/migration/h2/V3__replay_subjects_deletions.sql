-- The event as received, for resume and retry. Only event_data (redacted) is ever served.
alter table execution add column event_body clob;
-- What the event is about (module and item, or job), so a delivery equal to an earlier one counts as a
-- redelivery only while no newer event about the same subject has arrived in between.
alter table execution add column subject varchar(1024);
create index execution_subject on execution (subject, created_at);

-- A deleted entry, asset or content type, with the delete's event time: older publishes of it change nothing,
-- even for environments and locales the store never held.
create table deletion (
    subject    varchar(1024) primary key,
    event_time timestamp with time zone not null
);
