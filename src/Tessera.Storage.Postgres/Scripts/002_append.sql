-- Appends a group of appends in one call (one round trip, one commit when called outside a transaction).
-- Per append: stream name, expected version (-2 any, -1 no stream, n exact) and event count; the events of all
-- appends are flattened into the id, type, data and metadata arrays. Returns one row per append, in order:
-- status 0 written (last position, last version), 1 wrong expected version (actual version), 2 some event id is
-- already stored (the caller compares the stored events). The caller never puts one event id twice in a group.
CREATE FUNCTION {schema}.append(
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
    r_status int[] := '{}';
    r_offset bigint[] := '{}';
    r_version bigint[] := '{}';
    w_first int[] := '{}';
    w_count int[] := '{}';
    w_stream bigint[] := '{}';
    w_base bigint[] := '{}';
    w_offset int[] := '{}';
    i int;
    k int;
    n int := cardinality(p_streams);
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

    -- Decide every append in order against the versions the earlier appends of the group leave.
    FOR i IN 1 .. n LOOP
        event_count := p_counts[i];
        k := array_position(l_names, p_streams[i]);
        current_version := l_versions[k];
        IF EXISTS (SELECT 1 FROM {schema}.events e WHERE e.event_id = ANY (p_ids[first_event : first_event + event_count - 1])) THEN
            r_status := r_status || 2;
            r_offset := r_offset || 0::bigint;
        ELSIF p_expected[i] = -2 OR p_expected[i] = current_version THEN
            w_first := w_first || first_event;
            w_count := w_count || event_count;
            w_stream := w_stream || l_ids[k];
            w_base := w_base || current_version;
            w_offset := w_offset || total;
            total := total + event_count;
            current_version := current_version + event_count;
            l_versions[k] := current_version;
            l_changed[k] := true;
            r_status := r_status || 0;
            r_offset := r_offset || total::bigint;
        ELSE
            r_status := r_status || 1;
            r_offset := r_offset || 0::bigint;
        END IF;
        r_version := r_version || current_version;
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
        FROM unnest(w_first, w_count, w_stream, w_base, w_offset) AS w(f, c, sid, b, o)
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
