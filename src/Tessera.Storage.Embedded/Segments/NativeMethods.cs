using System.Runtime.InteropServices;

namespace Tessera.Storage.Embedded.Segments;

/// <summary>The libc calls .NET does not offer: fdatasync, posix_fallocate and an fsync of a directory.</summary>
internal static partial class NativeMethods
{
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on Linux
    private const int ReadOnlyFlag = 0;

    public static bool IsLinux => OperatingSystem.IsLinux();

    public static int DataSync(int fd) => fdatasync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static int Allocate(int fd, long offset, long length) => posix_fallocate(fd, offset, length);

    /// <summary>Flushes a directory's entries to disk; without it a new file can vanish after a power loss.</summary>
    public static int SyncDirectory(string path)
    {
        var fd = open(path, ReadOnlyFlag | (IsLinux ? DirectoryFlag : 0));
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }
        try
        {
            return fsync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int posix_fallocate(int fd, long offset, long length);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
