using System.Diagnostics;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Benchmarks.Store;

/// <summary>The machine's own limits, with the system calls the store uses: fdatasync per second on one file, sequential write MB/s.</summary>
internal static class DiskLimits
{
    /// <summary>256-byte writes to a preallocated, zero-filled file, each followed by fdatasync.</summary>
    public static double FlushesPerSecond(string folder, TimeSpan duration)
    {
        var path = Path.Combine(folder, "flush.bin");
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        var zeros = new byte[1 << 20];
        for (var i = 0; i < 64; i++)
        {
            RandomAccess.Write(handle, zeros, (long)i * zeros.Length);
        }
        Sync(handle);
        var record = new byte[256];
        Random.Shared.NextBytes(record);
        var clock = Stopwatch.StartNew();
        long count = 0;
        while (clock.Elapsed < duration)
        {
            RandomAccess.Write(handle, record, count * record.Length % (64L << 20));
            Sync(handle);
            count++;
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Writes <paramref name="megabytes"/> MiB in 1 MiB blocks to a new file and flushes it once; MB/s including the flush.</summary>
    public static double SequentialMegabytesPerSecond(string folder, int megabytes)
    {
        var path = Path.Combine(folder, "sequential.bin");
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        var clock = Stopwatch.StartNew();
        using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            for (var i = 0; i < megabytes; i++)
            {
                RandomAccess.Write(handle, block, (long)i * block.Length);
            }
            Sync(handle);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        File.Delete(path);
        return megabytes * 1.048576 / seconds;
    }

    private static void Sync(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var error = NativeMethods.DataSync((int)handle.DangerousGetHandle());
        if (error != 0)
        {
            throw new IOException($"fdatasync failed with error {error}.");
        }
    }
}
