-- The demo source database: a prospect list (companies, people, touchpoints). Jobs read it only through the SQL in
-- config/sync.yaml, so any other schema works the same way.

CREATE TABLE company (
    id            BIGINT PRIMARY KEY,
    name          VARCHAR(255) NOT NULL,
    domain        VARCHAR(255),
    website       VARCHAR(255),
    industry      VARCHAR(100),
    employees     INTEGER,
    phone         VARCHAR(40),
    street        VARCHAR(255),
    city          VARCHAR(100),
    state         VARCHAR(100),
    postal_code   VARCHAR(20),
    country       VARCHAR(100),
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE person (
    id             BIGINT PRIMARY KEY,
    company_id     BIGINT REFERENCES company (id),
    first_name     VARCHAR(100),
    last_name      VARCHAR(150),
    email          VARCHAR(255),
    email_status   VARCHAR(10) DEFAULT 'unknown' NOT NULL,
    phone          VARCHAR(40),
    title          VARCHAR(255),
    owner_email    VARCHAR(255),
    lead_source    VARCHAR(100),
    street         VARCHAR(255),
    city           VARCHAR(100),
    state          VARCHAR(100),
    postal_code    VARCHAR(20),
    country        VARCHAR(100),
    do_not_contact BOOLEAN DEFAULT FALSE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT person_email_status CHECK (email_status IN ('valid', 'risky', 'invalid', 'unknown'))
);
CREATE INDEX person_updated ON person (updated_at, id);

CREATE TABLE touchpoint (
    id            BIGINT PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES person (id),
    kind          VARCHAR(20) NOT NULL,
    subject       VARCHAR(255),
    body          VARCHAR(4000),
    occurred_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT touchpoint_kind CHECK (kind IN ('email', 'linkedin', 'call'))
);
CREATE INDEX touchpoint_occurred ON touchpoint (occurred_at, id);
