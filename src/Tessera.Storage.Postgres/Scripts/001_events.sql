-- Streams carry their last version; appends lock a stream's row (in name order) to check and move it, so appends
-- to different streams never wait for each other and appends to one stream take turns.
CREATE TABLE {schema}.streams (
    stream_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text COLLATE "C" NOT NULL UNIQUE,
    version bigint NOT NULL DEFAULT -1
);

-- Global positions come from a sequence: drawn in parallel, so they can commit out of order and a rolled-back
-- append leaves a hole. Readers only go up to a safe high-water mark (see SafeHighWaterMark.cs).
CREATE SEQUENCE {schema}.positions AS bigint MINVALUE 1 START 1 CACHE 1;

-- No foreign key to streams: the append function is the only writer and holds the stream row lock anyway.
CREATE TABLE {schema}.events (
    position bigint PRIMARY KEY,
    event_id uuid NOT NULL,
    stream_id bigint NOT NULL,
    version bigint NOT NULL,
    type text NOT NULL,
    data bytea NOT NULL,
    metadata bytea NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version),
    CONSTRAINT events_event_id UNIQUE (event_id)
);
