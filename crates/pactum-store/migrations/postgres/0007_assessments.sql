-- Assessments: risk assessments per service or processing activity, DPIAs per processing
-- activity, and the compliance score of each organisation kept per day for its trend.

CREATE TABLE risk_assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    -- A risk of a record that is gone means nothing: it goes with it.
    service_id TEXT REFERENCES services(id) ON DELETE CASCADE,
    processing_activity_id TEXT REFERENCES processing_activities(id) ON DELETE CASCADE,
    threat TEXT NOT NULL,
    description TEXT,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    residual_likelihood BIGINT,
    residual_impact BIGINT,
    treatment TEXT,
    owner_id TEXT,
    review_on TEXT,
    inherent_score BIGINT NOT NULL,
    residual_score BIGINT,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX risk_assessments_list_idx ON risk_assessments (org_id, project_id, threat, id);
CREATE INDEX risk_assessments_service_idx ON risk_assessments (service_id);
CREATE INDEX risk_assessments_activity_idx ON risk_assessments (processing_activity_id);
CREATE INDEX risk_assessments_recent_idx ON risk_assessments (org_id, updated_at);

CREATE TABLE risk_security_measures (
    owner_id TEXT NOT NULL REFERENCES risk_assessments(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES security_measures(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX risk_security_measures_target_idx ON risk_security_measures (target_id);

CREATE TABLE dpias (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- A DPIA is a record of a decision: it outlives the activity it assessed.
    processing_activity_id TEXT REFERENCES processing_activities(id) ON DELETE SET NULL,
    criteria TEXT NOT NULL,
    art35_cases TEXT NOT NULL,
    national_list TEXT NOT NULL,
    criteria_notes TEXT,
    description TEXT,
    necessity TEXT,
    risks TEXT,
    measures TEXT,
    dpo_advice TEXT,
    dpo_advice_followed BOOLEAN,
    subjects_views TEXT,
    residual_risk TEXT,
    decision TEXT,
    decision_note TEXT,
    decided_on TEXT,
    review_on TEXT,
    outcome TEXT NOT NULL,
    prior_consultation BOOLEAN NOT NULL,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT dpias_name_key UNIQUE (project_id, name)
);

CREATE INDEX dpias_list_idx ON dpias (org_id, project_id, name, id);
CREATE INDEX dpias_activity_idx ON dpias (processing_activity_id);
CREATE INDEX dpias_recent_idx ON dpias (org_id, updated_at);

CREATE TABLE dpia_risk_assessments (
    owner_id TEXT NOT NULL REFERENCES dpias(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES risk_assessments(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX dpia_risk_assessments_target_idx ON dpia_risk_assessments (target_id);

CREATE TABLE dpia_security_measures (
    owner_id TEXT NOT NULL REFERENCES dpias(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES security_measures(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX dpia_security_measures_target_idx ON dpia_security_measures (target_id);

-- One score per organisation and day (the last computed that day wins), for the trend.
CREATE TABLE compliance_scores (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    score BIGINT NOT NULL,
    high BIGINT NOT NULL,
    medium BIGINT NOT NULL,
    low BIGINT NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (org_id, day)
);
