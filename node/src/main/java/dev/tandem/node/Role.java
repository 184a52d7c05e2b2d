package dev.tandem.node;

/** The role a node is configured with. Its live state is a {@link NodeMode}. */
public enum Role
{
    /** Starts Hot: serves the FIX sessions and streams its journal to the secondary. */
    PRIMARY,
    /** Starts Warm: replicates the primary's journal and takes over when its activation mode says so. */
    SECONDARY
}
