namespace Tessera.Commands;

/// <summary>
/// The time and command id of one dispatch, made only when something first reads them: a command whose steps and
/// handler never read them costs no clock read and no id. Every copy of the dispatch's context reads the same values.
/// </summary>
/// <remarks>
/// A stamp that nothing read by the time its dispatch finished synchronously goes back to its thread and serves the
/// next dispatch there, so the common path allocates nothing. Its generation then moves on: a copy of the context kept
/// past the end of such a dispatch, and read only afterwards, may see no time and no id (as a context outside any
/// dispatch does), never another dispatch's. A stamp that was read stays with its dispatch for good.
/// </remarks>
internal sealed class CommandStamp
{
    private const int Unmade = 0;
    private const int Making = 1;
    private const int Made = 2;

    [ThreadStatic]
    private static CommandStamp? t_spare;

    private int _state;
    private int _generation;
    private TimeProvider _clock = TimeProvider.System;
    private DateTimeOffset _time;
    private Guid _commandId;

    /// <summary>A stamp for a dispatch starting on this thread: the thread's spare one when it has one.</summary>
    public static CommandStamp Take(TimeProvider clock, out int generation)
    {
        var stamp = t_spare;
        if (stamp is null || Volatile.Read(ref stamp._state) != Unmade)
        {
            stamp = new CommandStamp();
        }
        else
        {
            t_spare = null;
        }
        if (!ReferenceEquals(stamp._clock, clock))
        {
            stamp._clock = clock;
        }
        generation = Volatile.Read(ref stamp._generation);
        return stamp;
    }

    /// <summary>Called when the dispatch finished: keeps the stamp as this thread's spare unless something read it.</summary>
    public void Release()
    {
        // A plain check, no interlocked operation: only a copy read after the dispatch ended can race with it, and
        // Make's second look at the generation sends such a reader away, so the next dispatch only gets an unmade stamp.
        if (Volatile.Read(ref _state) != Unmade)
        {
            return;
        }
        Volatile.Write(ref _generation, _generation + 1);
        t_spare = this;
    }

    /// <summary>The dispatch's time, or default when read by a copy that outlived its dispatch unread.</summary>
    public DateTimeOffset Time(int generation) => Make(generation) ? _time : default;

    /// <summary>The dispatch's command id, or empty when read by a copy that outlived its dispatch unread.</summary>
    public Guid CommandId(int generation) => Make(generation) ? _commandId : Guid.Empty;

    private bool Make(int generation)
    {
        var spin = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Made)
            {
                // A made stamp keeps its generation (unless a copy read after its dispatch raced the release).
                return Volatile.Read(ref _generation) == generation;
            }
            if (state == Unmade)
            {
                if (Volatile.Read(ref _generation) != generation)
                {
                    return false;
                }
                if (Interlocked.CompareExchange(ref _state, Making, Unmade) == Unmade)
                {
                    if (Volatile.Read(ref _generation) != generation)
                    {
                        // Recycled between the check and the claim: the values are another dispatch's to make.
                        Volatile.Write(ref _state, Unmade);
                        return false;
                    }
                    try
                    {
                        _time = _clock.GetUtcNow();
                        _commandId = CommandIds.New(_time);
                    }
                    catch
                    {
                        Volatile.Write(ref _state, Unmade);
                        throw;
                    }
                    Volatile.Write(ref _state, Made);
                    return true;
                }
            }
            // Another thread is making the values: it takes nanoseconds.
            spin.SpinOnce();
        }
    }
}
