using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded.Tests.Simulation;

/// <summary>
/// A data folder held in memory that remembers what has been flushed. It can lose power at a chosen operation: from
/// then on every call fails, and <see cref="PowerLossImage"/> holds what a disk could show after the power came back:
/// every flushed byte, and of each unflushed write all, none, or a random mix of its sectors written, dropped or
/// garbled (the way SQLite's crash tests model a disk). <see cref="KilledImage"/> holds what the kernel held, which is
/// what a killed process leaves.
/// </summary>
internal sealed class SimulatedDisk : IStorageFolder
{
    private const int Sector = 512;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Inode> _entries = new(StringComparer.Ordinal);
    private readonly List<(string Op, string Name, string? To, Inode? Inode)> _pendingEntries = [];
    private Dictionary<string, Inode> _durableEntries = new(StringComparer.Ordinal);
    private long _operations;
    private long _powerLossAt = long.MaxValue;
    private Random _random = new(0);
    private Func<string, string, IOException?>? _fault;

    public string Path => "/simulated-disk";

    /// <summary>How many write, flush and directory operations the disk has seen.</summary>
    public long Operations
    {
        get
        {
            lock (_lock)
            {
                return _operations;
            }
        }
    }

    public bool PoweredOff { get; private set; }

    /// <summary>The kind of operation the power failed at ("write", "flush", "create"...).</summary>
    public string? PowerLostAt { get; private set; }

    public Dictionary<string, byte[]>? PowerLossImage { get; private set; }

    public Dictionary<string, byte[]>? KilledImage { get; private set; }

    /// <summary>A disk whose files hold exactly these bytes, all durable.</summary>
    public static SimulatedDisk From(Dictionary<string, byte[]> image)
    {
        var disk = new SimulatedDisk();
        foreach (var (name, bytes) in image)
        {
            var inode = new Inode();
            inode.Load(bytes);
            disk._entries[name] = inode;
        }
        disk._durableEntries = new Dictionary<string, Inode>(disk._entries, StringComparer.Ordinal);
        return disk;
    }

    /// <summary>Loses power just before operation number <paramref name="operation"/> (counted from 1) would happen.</summary>
    public void LosePowerAt(long operation, Random random)
    {
        lock (_lock)
        {
            _powerLossAt = operation;
            _random = random;
        }
    }

    /// <summary>Bytes read so far, by file name.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> BytesRead { get; } = new(StringComparer.Ordinal);

    /// <summary>Loses power now, as if the next operation never came.</summary>
    public void LosePowerNow(Random random)
    {
        lock (_lock)
        {
            KilledImage = Image();
            _random = random;
            PowerLossImage = LosePower();
            PoweredOff = true;
            PowerLostAt = "now";
        }
    }

    /// <summary>Makes an operation fail: <paramref name="fault"/> gets the kind ("write", "flush", "allocate"...) and file name.</summary>
    public void InjectFaults(Func<string, string, IOException?> fault)
    {
        lock (_lock)
        {
            _fault = fault;
        }
    }

    public Dictionary<string, byte[]> Image()
    {
        lock (_lock)
        {
            return _entries.ToDictionary(e => e.Key, e => e.Value.Current.AsSpan(0, e.Value.CurrentLength).ToArray(), StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<string> ListFiles()
    {
        lock (_lock)
        {
            Check("list", "");
            return [.. _entries.Keys];
        }
    }

    public IStorageFile Open(string name)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(name, out var inode))
            {
                Check("open", name);
                return new File(this, name, inode);
            }
            Tick("create", name);
            inode = new Inode();
            _entries[name] = inode;
            _pendingEntries.Add(("create", name, null, inode));
            return new File(this, name, inode);
        }
    }

    public void Delete(string name)
    {
        lock (_lock)
        {
            Tick("delete", name);
            if (_entries.Remove(name))
            {
                _pendingEntries.Add(("delete", name, null, null));
            }
        }
    }

    public void Move(string from, string to)
    {
        lock (_lock)
        {
            Tick("move", from);
            var inode = _entries[from];
            _entries.Remove(from);
            _entries[to] = inode;
            _pendingEntries.Add(("move", from, to, inode));
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            Tick("flush-folder", "");
            _durableEntries = new Dictionary<string, Inode>(_entries, StringComparer.Ordinal);
            _pendingEntries.Clear();
        }
    }

    public IDisposable Lock() => new Unlocker();

    private void Check(string kind, string name)
    {
        if (PoweredOff)
        {
            throw new IOException("The simulated disk lost power.");
        }
        if (_fault?.Invoke(kind, name) is { } fault)
        {
            throw fault;
        }
    }

    private void Tick(string kind, string name)
    {
        Check(kind, name);
        _operations++;
        if (_operations < _powerLossAt)
        {
            return;
        }
        KilledImage = Image();
        PowerLossImage = LosePower();
        PoweredOff = true;
        PowerLostAt = kind;
        throw new IOException("The simulated disk lost power.");
    }

    private Dictionary<string, byte[]> LosePower()
    {
        // Directory changes reach the disk in the order they were made, so a prefix of them survives.
        var entries = new Dictionary<string, Inode>(_durableEntries, StringComparer.Ordinal);
        var kept = _random.Next(_pendingEntries.Count + 1);
        foreach (var (op, name, to, inode) in _pendingEntries.Take(kept))
        {
            switch (op)
            {
                case "create":
                    entries[name] = inode!;
                    break;
                case "delete":
                    entries.Remove(name);
                    break;
                default:
                    entries.Remove(name);
                    entries[to!] = inode!;
                    break;
            }
        }
        var contents = new Dictionary<Inode, byte[]>();
        return entries.ToDictionary(
            e => e.Key,
            e => contents.TryGetValue(e.Value, out var bytes) ? bytes : contents[e.Value] = e.Value.AfterPowerLoss(_random),
            StringComparer.Ordinal);
    }

    private sealed class Unlocker : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private sealed class Inode
    {
        private readonly List<(long Offset, byte[]? Data, long Length)> _pending = [];
        private byte[] _durable = [];

        public byte[] Current { get; private set; } = [];

        public int CurrentLength { get; private set; }

        public void Load(byte[] bytes)
        {
            _durable = bytes;
            Current = (byte[])bytes.Clone();
            CurrentLength = bytes.Length;
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            Resize((int)Math.Max(CurrentLength, offset + data.Length));
            data.CopyTo(Current.AsSpan((int)offset));
            _pending.Add((offset, data.ToArray(), 0));
        }

        public void SetLength(long length)
        {
            Resize((int)length);
            _pending.Add((0, null, length));
        }

        public void Flush()
        {
            _durable = Current.AsSpan(0, CurrentLength).ToArray();
            _pending.Clear();
        }

        public byte[] AfterPowerLoss(Random random)
        {
            var bytes = new List<byte>(_durable);
            foreach (var (offset, data, length) in _pending)
            {
                if (data is null)
                {
                    if (random.Next(2) == 0)
                    {
                        SetLength(bytes, length);
                    }
                    continue;
                }
                var mode = random.Next(10);
                if (mode < 3)
                {
                    continue; // the whole write was lost
                }
                for (var at = 0; at < data.Length;)
                {
                    var piece = (int)Math.Min(data.Length - at, Sector - ((offset + at) % Sector));
                    var fate = mode < 6 ? 0 : random.Next(10);
                    if (fate < 5)
                    {
                        Put(bytes, offset + at, data.AsSpan(at, piece));
                    }
                    else if (fate < 8)
                    {
                        var garbage = new byte[piece];
                        random.NextBytes(garbage);
                        var kept = random.Next(piece + 1);
                        data.AsSpan(at, kept).CopyTo(garbage);
                        Put(bytes, offset + at, garbage);
                    }
                    at += piece;
                }
            }
            return [.. bytes];
        }

        private static void Put(List<byte> bytes, long offset, ReadOnlySpan<byte> data)
        {
            if (bytes.Count < offset + data.Length)
            {
                SetLength(bytes, offset + data.Length);
            }
            for (var i = 0; i < data.Length; i++)
            {
                bytes[(int)offset + i] = data[i];
            }
        }

        private static void SetLength(List<byte> bytes, long length)
        {
            if (bytes.Count > length)
            {
                bytes.RemoveRange((int)length, bytes.Count - (int)length);
            }
            while (bytes.Count < length)
            {
                bytes.Add(0);
            }
        }

        private void Resize(int length)
        {
            if (length > Current.Length)
            {
                var grown = new byte[Math.Max(length, Current.Length * 2)];
                Current.AsSpan(0, CurrentLength).CopyTo(grown);
                Current = grown;
            }
            else if (length < CurrentLength)
            {
                Current.AsSpan(length, CurrentLength - length).Clear();
            }
            CurrentLength = length;
        }
    }

    private sealed class File(SimulatedDisk disk, string name, Inode inode) : IStorageFile
    {
        public string Name { get; } = name;

        public long Length
        {
            get
            {
                lock (disk._lock)
                {
                    return inode.CurrentLength;
                }
            }
        }

        public int Read(long offset, Span<byte> destination)
        {
            lock (disk._lock)
            {
                disk.Check("read", Name);
                var available = (int)Math.Clamp(inode.CurrentLength - offset, 0, destination.Length);
                disk.BytesRead.AddOrUpdate(Name, available, (_, total) => total + available);
                inode.Current.AsSpan((int)Math.Min(offset, inode.CurrentLength), available).CopyTo(destination);
                return available;
            }
        }

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            lock (disk._lock)
            {
                disk.Tick("write", Name);
                inode.Write(offset, source);
            }
        }

        public void Flush()
        {
            lock (disk._lock)
            {
                disk.Tick("flush", Name);
                inode.Flush();
            }
        }

        public void Allocate(long length)
        {
            lock (disk._lock)
            {
                disk.Tick("allocate", Name);
                if (length > inode.CurrentLength)
                {
                    inode.SetLength(length);
                }
            }
        }

        public void Truncate(long length)
        {
            lock (disk._lock)
            {
                disk.Tick("truncate", Name);
                inode.SetLength(length);
            }
        }

        public void Dispose()
        {
        }
    }
}
