-- Which CMS an execution came from; every execution before this one came from Contentstack.
alter table execution add column source varchar(16) default 'contentstack' not null;
-- GET /executions?source=..., newest first
create index execution_source on execution (source, created_at);
