-- Payloads are archived as gzip-compressed chunks written while the payload streams, so no payload is
-- ever held whole in memory and large department dumps are archived too. The chunks of one payload, in
-- seq order, concatenated, form one gzip file:
--   SELECT string_agg(content, ''::bytea ORDER BY seq) FROM payload_chunk WHERE sha256 = '...'  (then gunzip)
-- payload.content keeps the bytes of payloads archived before this script; new rows leave it NULL.
ALTER TABLE payload ADD COLUMN archive text;
COMMENT ON COLUMN payload.archive IS 'content: bytes in payload.content; gzip-chunks: in payload_chunk; NULL: not archived (over Collector:ArchiveMaxBytes)';
UPDATE payload SET archive = 'content' WHERE content IS NOT NULL;

CREATE TABLE payload_chunk (
    sha256   text NOT NULL REFERENCES payload (sha256) ON DELETE CASCADE,
    seq      int NOT NULL,
    content  bytea NOT NULL,
    PRIMARY KEY (sha256, seq)
);
-- Already compressed: TOAST should store the chunks as they are, not try to compress them again.
ALTER TABLE payload_chunk ALTER COLUMN content SET STORAGE EXTERNAL;
