package dev.tandem.journal;

/**
 * How far an appended entry has travelled before {@code append} returns.
 */
public enum Persistence
{
    /** Memory-mapped write into the OS page cache: survives a process crash, not a host crash or power loss. */
    BUFFERED,
    /** Like BUFFERED, with a flush to stable storage every {@code syncBatchSize} appends (and on close):
     *  survives a process crash; a host crash may lose at most the last unflushed batch. */
    BATCHED,
    /** Every entry is flushed to stable storage before append returns: survives a host crash. */
    SYNC
}
