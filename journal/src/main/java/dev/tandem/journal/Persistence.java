package dev.tandem.journal;

/**
 * How far an appended entry has travelled before {@code append} returns, and so what it survives.
 */
public enum Persistence
{
    /** Memory-mapped write into the OS page cache: survives a process crash, not a host crash or power loss. */
    BUFFERED,
    /** Like BUFFERED, with an msync to stable storage every {@code syncBatchSize} appends (and on
     *  {@link Journal#sync()} and close): survives a process crash; a host crash loses at most the entries
     *  appended since the last flush. */
    BATCHED,
    /** Every entry is msync'ed to stable storage before append returns: survives a host crash. */
    SYNC
}
