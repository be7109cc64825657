using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>The real data folder: positioned reads and writes on <see cref="SafeFileHandle"/>s and real flushes to disk.</summary>
internal sealed class PhysicalStorageFolder : IStorageFolder
{
    private const string LockFileName = "LOCK";
    private readonly bool _fillWithZeros;

    /// <param name="path">The folder; created if missing.</param>
    /// <param name="fillWithZeros">
    /// Write zeros over newly allocated space: ext4 must journal the conversion of a merely reserved (unwritten) extent
    /// at the next fdatasync, which costs about a third of the flushes per second (measured here); zeros written once,
    /// when a segment is made, spare every later group commit that cost.
    /// </param>
    public PhysicalStorageFolder(string path, bool fillWithZeros)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        _fillWithZeros = fillWithZeros;
    }

    public string Path { get; }

    public IReadOnlyList<string> ListFiles() =>
        [.. Directory.EnumerateFiles(Path).Select(f => System.IO.Path.GetFileName(f))];

    public IStorageFile Open(string name)
    {
        var handle = File.OpenHandle(System.IO.Path.Combine(Path, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        return new PhysicalStorageFile(name, handle, _fillWithZeros);
    }

    public void Delete(string name) => File.Delete(System.IO.Path.Combine(Path, name));

    public void Move(string from, string to) =>
        File.Move(System.IO.Path.Combine(Path, from), System.IO.Path.Combine(Path, to), overwrite: true);

    public void Flush()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals directory entries; there is no directory handle to flush.
        }
        var error = NativeMethods.SyncDirectory(Path);
        if (error != 0)
        {
            throw PhysicalStorageFile.Failure($"Could not flush the folder {Path} to disk", error);
        }
    }

    public IDisposable Lock()
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix, released by the kernel if the process dies.
            return new FileStream(System.IO.Path.Combine(Path, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The data folder {Path} is in use by another embedded event store (its {LockFileName} file is locked).", e);
        }
    }
}

/// <summary>A file of the real data folder.</summary>
internal sealed class PhysicalStorageFile(string name, SafeFileHandle handle, bool fillWithZeros) : IStorageFile
{
    private const int ZeroBlock = 1 << 20;
    private const int NoSpace = 28; // ENOSPC

    public string Name { get; } = name;

    public long Length => RandomAccess.GetLength(handle);

    public int Read(long offset, Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> source) => RandomAccess.Write(handle, source, offset);

    public void Flush()
    {
        if (!NativeMethods.IsLinux)
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        var error = WithDescriptor(NativeMethods.DataSync);
        if (error != 0)
        {
            throw Failure($"Could not flush {Name} to disk (fdatasync)", error);
        }
    }

    public void Allocate(long length)
    {
        var start = Length;
        if (length <= start)
        {
            return;
        }
        if (NativeMethods.IsLinux)
        {
            // posix_fallocate reserves the blocks now, so a full disk fails here and not at a later flush.
            var error = WithDescriptor(fd => NativeMethods.Allocate(fd, start, length - start));
            if (error != 0)
            {
                throw Failure($"Could not reserve {length - start} bytes for {Name}", error);
            }
        }
        else
        {
            RandomAccess.SetLength(handle, length);
        }
        if (fillWithZeros || !NativeMethods.IsLinux)
        {
            var zeros = new byte[(int)Math.Min(ZeroBlock, length - start)];
            for (var at = start; at < length; at += zeros.Length)
            {
                RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, length - at)), at);
            }
        }
    }

    public void Truncate(long length) => RandomAccess.SetLength(handle, length);

    public void Dispose() => handle.Dispose();

    internal static IOException Failure(string what, int errno)
    {
        var reason = errno == NoSpace ? "the disk is full" : Marshal.GetPInvokeErrorMessage(errno);
        return new IOException($"{what}: {reason} (errno {errno}).");
    }

    private int WithDescriptor(Func<int, int> call)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return call((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
