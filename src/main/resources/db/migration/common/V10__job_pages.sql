-- A bulk job's pages of items (router.fanout.page-size each, at skip 0, 100, 200...) as units of work that any
-- instance may claim, so several instances can fan out one job: claimed under a lease, done once the page's results
-- and content rows are committed (done_by: the instance that did it). The job settles when every page is done.
create table job_page (
    execution_uid uuid         not null references execution (uid) on delete cascade,
    skip          integer      not null,
    leased_by     varchar(128),
    lease_until   timestamp with time zone,
    done          boolean      default false not null,
    done_by       varchar(128),
    primary key (execution_uid, skip)
);
