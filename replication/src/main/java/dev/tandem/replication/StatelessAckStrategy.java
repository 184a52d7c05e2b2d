package dev.tandem.replication;

/**
 * Base of the built-in strategies that have no settings: every instance of one such class equals every other, and
 * each prints as its YAML tag with an empty map ({@code !WaitForever {}}). Immutable; thread safe.
 */
abstract class StatelessAckStrategy implements AckStrategy
{
    @Override
    public String toString()
    {
        return "!" + getClass().getSimpleName() + " {}";
    }

    @Override
    public boolean equals(final Object o)
    {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode()
    {
        return getClass().getName().hashCode();
    }
}
