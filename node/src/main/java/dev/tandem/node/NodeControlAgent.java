package dev.tandem.node;

import org.agrona.concurrent.Agent;

/**
 * The node's control duty cycle: follows the journal for the lag metrics, adopts the primary's epoch while Warm,
 * asks the activation mode whether to turn Hot, and watches for a higher epoch while Hot.
 * <p>
 * Threading: runs on its own {@code AgentRunner} thread.
 */
final class NodeControlAgent implements Agent
{
    private final Node node;

    NodeControlAgent(final Node node)
    {
        this.node = node;
    }

    @Override
    public int doWork()
    {
        return node.controlWork();
    }

    @Override
    public String roleName()
    {
        return "tandem-control";
    }
}
