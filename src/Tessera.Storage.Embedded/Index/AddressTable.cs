namespace Tessera.Storage.Embedded.Index;

/// <summary>
/// Global position → record address, for every event in the store. One writer appends; readers read any position up
/// to the published head without a lock: blocks never move once written, and the head is published after them.
/// </summary>
internal sealed class AddressTable
{
    private const int BlockBits = 16;
    private const int BlockSize = 1 << BlockBits;
    private long[]?[] _blocks = new long[]?[16];
    private long _count;

    /// <summary>How many addresses the writer added (published or not).</summary>
    public long Count => _count;

    public void Add(long address)
    {
        var block = (int)(_count >> BlockBits);
        var blocks = _blocks;
        if (block == blocks.Length)
        {
            var grown = new long[]?[blocks.Length * 2];
            blocks.CopyTo(grown, 0);
            Volatile.Write(ref _blocks, grown);
            blocks = grown;
        }
        var target = blocks[block];
        if (target is null)
        {
            target = new long[BlockSize];
            Volatile.Write(ref blocks[block], target);
        }
        target[_count & (BlockSize - 1)] = address;
        _count++;
    }

    /// <summary>The address of the event at <paramref name="position"/> (1-based), which must be published.</summary>
    public long AddressOf(long position)
    {
        var index = position - 1;
        return Volatile.Read(ref _blocks)[index >> BlockBits]![index & (BlockSize - 1)];
    }
}
