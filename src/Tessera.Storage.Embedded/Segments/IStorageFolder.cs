namespace Tessera.Storage.Embedded.Segments;

/// <summary>
/// The store's only way to touch the file system: the data folder and its files. Production uses
/// <see cref="PhysicalStorageFolder"/>; crash tests put a simulated disk behind it that can lose unflushed writes.
/// </summary>
internal interface IStorageFolder
{
    /// <summary>Where the folder is, for messages.</summary>
    string Path { get; }

    /// <summary>The names of the files in the folder.</summary>
    IReadOnlyList<string> ListFiles();

    /// <summary>Opens a file, creating it empty if it does not exist.</summary>
    IStorageFile Open(string name);

    /// <summary>Deletes a file if it exists; durable only after <see cref="Flush"/>.</summary>
    void Delete(string name);

    /// <summary>Renames a file, replacing any file of the new name; durable only after <see cref="Flush"/>.</summary>
    void Move(string from, string to);

    /// <summary>Makes created, deleted and renamed entries durable (fsync of the directory).</summary>
    void Flush();

    /// <summary>Takes the folder for this process alone, or throws if another store holds it.</summary>
    IDisposable Lock();
}

/// <summary>One file of the data folder, read and written at offsets.</summary>
internal interface IStorageFile : IDisposable
{
    /// <summary>The file's name within its folder.</summary>
    string Name { get; }

    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>Reads at <paramref name="offset"/>; returns fewer bytes than asked only at the end of the file.</summary>
    int Read(long offset, Span<byte> destination);

    /// <summary>Writes at <paramref name="offset"/>; durable only after <see cref="Flush"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>Makes every write so far durable, with the length needed to read it back (fdatasync).</summary>
    void Flush();

    /// <summary>Grows the file to <paramref name="length"/> zero bytes with the disk space reserved; throws if the disk is full.</summary>
    void Allocate(long length);

    /// <summary>Cuts the file to <paramref name="length"/> bytes (repair only).</summary>
    void Truncate(long length);
}
