-- ASP.NET Core data-protection keys (issue 12), which sign the dashboard's antiforgery tokens. Kept here so that
-- every instance on this database shares one key ring: a token one instance wrote is valid on the others.
-- The service's own table: the analyst role gets no grant on it.
CREATE TABLE data_protection_key (
    id            bigserial   PRIMARY KEY,
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
