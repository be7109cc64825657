-- The append function of 002 with the per-append work made cheaper (same signature, same results, same locks):
-- one probe of the event-id index for the whole group instead of one query per append (the per-append check runs
-- only when the group has some stored id), and result arrays filled in place instead of grown by || in the loop
-- (which copied the array on every append, O(n^2) in the group's size).
CREATE OR REPLACE FUNCTION {schema}.append(
    p_streams text[],
    p_expected bigint[],
    p_counts int[],
    p_ids uuid[],
    p_types text[],
    p_data bytea[],
    p_metadata bytea[])
RETURNS TABLE (status int, last_position bigint, last_version bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    l_names text[];
    l_ids bigint[];
    l_versions bigint[];
    l_changed boolean[];
    l_stored uuid[];
    n int := cardinality(p_streams);
    r_status int[] := array_fill(0, ARRAY[n]);
    r_offset bigint[] := array_fill(0::bigint, ARRAY[n]);
    r_version bigint[] := array_fill(0::bigint, ARRAY[n]);
    w_first int[] := array_fill(0, ARRAY[n]);
    w_count int[] := array_fill(0, ARRAY[n]);
    w_stream bigint[] := array_fill(0::bigint, ARRAY[n]);
    w_base bigint[] := array_fill(0::bigint, ARRAY[n]);
    w_offset int[] := array_fill(0, ARRAY[n]);
    w int := 0;
    i int;
    k int;
    first_event int := 1;
    event_count int;
    current_version bigint;
    total int := 0;
    first_position bigint := 0;
BEGIN
    -- Readers' safe high-water mark: every transaction that draws positions holds this shared lock from before its
    -- first draw to its end, so a reader that lists the holders after reading the sequence knows whom to wait for.
    PERFORM pg_advisory_xact_lock_shared({lock_class}, {lock_key});

    INSERT INTO {schema}.streams (name)
    SELECT DISTINCT s FROM unnest(p_streams) AS s ORDER BY 1
    ON CONFLICT (name) DO NOTHING;

    -- Lock every stream of the group in one order, so two groups sharing streams cannot deadlock.
    SELECT array_agg(name ORDER BY name), array_agg(stream_id ORDER BY name), array_agg(version ORDER BY name)
    INTO l_names, l_ids, l_versions
    FROM (SELECT s.name, s.stream_id, s.version FROM {schema}.streams s
          WHERE s.name = ANY (p_streams) ORDER BY s.name FOR UPDATE) AS locked;
    l_changed := array_fill(false, ARRAY[cardinality(l_names)]);

    -- The ids of the group already stored, in one probe (almost always none).
    SELECT array_agg(e.event_id) INTO l_stored FROM {schema}.events e WHERE e.event_id = ANY (p_ids);

    -- Decide every append in order against the versions the earlier appends of the group leave.
    FOR i IN 1 .. n LOOP
        event_count := p_counts[i];
        k := array_position(l_names, p_streams[i]);
        current_version := l_versions[k];
        IF l_stored IS NOT NULL AND p_ids[first_event : first_event + event_count - 1] && l_stored THEN
            r_status[i] := 2;
        ELSIF p_expected[i] = -2 OR p_expected[i] = current_version THEN
            w := w + 1;
            w_first[w] := first_event;
            w_count[w] := event_count;
            w_stream[w] := l_ids[k];
            w_base[w] := current_version;
            w_offset[w] := total;
            total := total + event_count;
            current_version := current_version + event_count;
            l_versions[k] := current_version;
            l_changed[k] := true;
            r_offset[i] := total;
        ELSE
            r_status[i] := 1;
        END IF;
        r_version[i] := current_version;
        first_event := first_event + event_count;
    END LOOP;

    IF total > 0 THEN
        -- One block of consecutive positions for the whole group, so each append's events sit together in the log.
        -- The session lock is held only for the two sequence calls, never across the commit.
        PERFORM pg_advisory_lock({lock_class} + 2, {lock_key});
        BEGIN
            first_position := nextval('{schema}.positions');
            IF total > 1 THEN
                PERFORM setval('{schema}.positions', first_position + total - 1);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_advisory_unlock({lock_class} + 2, {lock_key});
            RAISE;
        END;
        PERFORM pg_advisory_unlock({lock_class} + 2, {lock_key});

        INSERT INTO {schema}.events (position, event_id, stream_id, version, type, data, metadata)
        SELECT first_position + w.o + j - 1, p_ids[w.f + j - 1], w.sid, w.b + j,
               p_types[w.f + j - 1], p_data[w.f + j - 1], p_metadata[w.f + j - 1]
        FROM unnest(w_first[1 : w], w_count[1 : w], w_stream[1 : w], w_base[1 : w], w_offset[1 : w]) AS w(f, c, sid, b, o)
        CROSS JOIN LATERAL generate_series(1, w.c) AS j;

        UPDATE {schema}.streams s SET version = v.version
        FROM unnest(l_ids, l_versions, l_changed) AS v(stream_id, version, changed)
        WHERE v.changed AND s.stream_id = v.stream_id;
    END IF;

    RETURN QUERY
    SELECT r.st, CASE WHEN r.st = 0 THEN first_position + r.o - 1 ELSE 0 END, r.v
    FROM unnest(r_status, r_offset, r_version) WITH ORDINALITY AS r(st, o, v, ord)
    ORDER BY r.ord;
END;
$$;
