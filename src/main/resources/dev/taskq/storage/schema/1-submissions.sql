-- Version 1: the kept submissions. Plain SQL that H2 and PostgreSQL read alike.
CREATE TABLE taskq_submission (
    id          VARCHAR(36)   NOT NULL PRIMARY KEY,
    name        VARCHAR(100)  NOT NULL,
    email       VARCHAR(254)  NOT NULL,
    message     VARCHAR(5000) NOT NULL,
    received_at TIMESTAMP     NOT NULL,
    -- message, or spam for what the bot trap caught
    kind        VARCHAR(10)   NOT NULL
);
-- Newest first, paged by (received_at, id); the retention job deletes by received_at.
CREATE INDEX taskq_submission_received ON taskq_submission (received_at, id);
