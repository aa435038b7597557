-- Department reporting (issue 14). A submission is a run of the built-in source 'report:<department>': its figures,
-- rejects and payload live where every run's do. This table adds who submitted what for which period; it has no
-- foreign key to run, so completeness outlives the retention of run records.
CREATE TABLE report_submission (
    run_id          bigint PRIMARY KEY,
    department      text NOT NULL,
    period          text NOT NULL,          -- the reporting period: 2023, 2023-Q3 or 2023-09
    submitted_by    text NOT NULL,          -- the user or token (token:NAME)
    submitted_at    timestamptz NOT NULL,
    channel         text NOT NULL,          -- upload, form
    file_name       text NOT NULL,
    payload_sha256  text NOT NULL,
    delivered       text[] NOT NULL,        -- indicators with a new, revised or confirmed figure
    sample          boolean NOT NULL DEFAULT false
);
CREATE INDEX report_submission_department_period ON report_submission (department, period, submitted_at);

-- One reminder per day, whichever instance or retry sends it.
CREATE TABLE reporting_reminder (
    day       date PRIMARY KEY,
    sent_at   timestamptz NOT NULL,
    overdue   int NOT NULL
);

CREATE VIEW analyst.report_submissions AS
SELECT s.department, s.period, s.submitted_by, s.submitted_at, s.channel, s.file_name, s.delivered, s.sample,
       s.run_id, r.outcome, r.stored, r.unchanged, r.rejected, s.payload_sha256
FROM public.report_submission s
LEFT JOIN public.run r ON r.id = s.run_id;
COMMENT ON VIEW analyst.report_submissions IS 'Every department submission at /report: who, when, for which period, which indicators it delivered (new, revised or confirmed figures) and the run that stored it (source report:<department>). sample marks the demo''s sample submissions.';
