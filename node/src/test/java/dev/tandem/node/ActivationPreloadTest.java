package dev.tandem.node;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.replication.ReplicationSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ActivationPreloadTest
{
    @Test
    void shouldFindAndLoadTheClassesAnActivationNeeds()
    {
        final List<String> fix = ActivationPreload.classNames(FixAcceptor.class, true);
        assertTrue(fix.contains("dev.tandem.fix.FixEngine"), fix.toString());
        assertTrue(fix.contains("dev.tandem.fix.codec.FixDecoder"), "sub-packages too: " + fix);
        assertTrue(fix.stream().noneMatch(name -> name.contains("-")), "no package-info: " + fix);
        assertTrue(fix.stream().allMatch(name -> name.startsWith("dev.tandem.fix.")), fix.toString());
        assertEquals(fix.size(), ActivationPreload.load(FixAcceptor.class, true), "every listed class loads");

        final List<String> replication = ActivationPreload.classNames(ReplicationSource.class, true);
        assertTrue(replication.contains("dev.tandem.replication.SinkListener"), replication.toString());
        assertEquals(replication.size(), ActivationPreload.load(ReplicationSource.class, true));
    }

    @Test
    void shouldListThePackageAloneWhenAskedAndFindTheNamedClassesThatReplaceLambdas()
    {
        final List<String> fixAlone = ActivationPreload.classNames(FixAcceptor.class, false);
        assertTrue(fixAlone.contains("dev.tandem.fix.FixEngine"), fixAlone.toString());
        assertTrue(fixAlone.stream().noneMatch(name -> name.startsWith("dev.tandem.fix.codec.")), fixAlone.toString());

        final List<String> node = ActivationPreload.classNames(Node.class, false);
        assertTrue(node.contains("dev.tandem.node.StandbyListener"), node.toString());
        assertTrue(node.contains("dev.tandem.node.FixEndpoints$LogoutAll"), node.toString());
        assertTrue(node.stream().allMatch(name -> name.lastIndexOf('.') == "dev.tandem.node".length()),
            node.toString());
        assertEquals(node.size(), ActivationPreload.load(Node.class, false), "every listed class loads");
    }

    /**
     * The classes whose code an activation, a planned switchover (both nodes) and the old primary's following run
     * hold no invokedynamic: a lambda or method reference there is linked where it first runs, 0.3-1.8 ms each on the
     * build machine, in the middle of the first switchover or failover of a process. (String concatenation is
     * compiled inline by the build.) Checked in the class files' constant pools, so a lambda added later fails here.
     */
    @Test
    void shouldFindNoLambdaInTheClassesAnActivationOrASwitchoverRuns() throws IOException, ClassNotFoundException
    {
        final List<String> onThePath = List.of("dev.tandem.node.Node", "dev.tandem.node.PlannedSwitchover",
            "dev.tandem.node.StandbyListener", "dev.tandem.node.FixEndpoints", "dev.tandem.node.FencingProbe",
            "dev.tandem.node.EpochWrite", "dev.tandem.node.UnansweredScan", "dev.tandem.fix.FixEngine",
            "dev.tandem.fix.FixAcceptor", "dev.tandem.fix.AcceptorRole", "dev.tandem.fix.FixSession",
            "dev.tandem.fix.SessionLogon", "dev.tandem.replication.ReplicationSource",
            "dev.tandem.replication.ReplicationSink", "dev.tandem.replication.EntryStreamer",
            "dev.tandem.replication.SinkListener", "dev.tandem.replication.Checksums",
            "dev.tandem.replication.LeaseGate", "dev.tandem.replication.WaitForever");
        final List<String> withLambdas = new ArrayList<>();
        int checked = 0;
        for (final String name : onThePath)
        {
            for (final Class<?> each : withNested(Class.forName(name, false, getClass().getClassLoader())))
            {
                checked++;
                // a record's equals, hashCode and toString are linked at their first call, which these paths do not
                // make; its constant pool holds their bootstrap all the same
                if (!each.isRecord() && hasInvokeDynamic(each))
                {
                    withLambdas.add(each.getName());
                }
            }
        }
        assertTrue(checked > onThePath.size(), "nested classes are checked too: " + checked);
        assertEquals(List.of(), withLambdas, "classes on the activation and switchover paths with a lambda");
    }

    private static List<Class<?>> withNested(final Class<?> type)
    {
        final List<Class<?>> all = new ArrayList<>();
        all.add(type);
        for (final Class<?> nested : type.getDeclaredClasses())
        {
            all.addAll(withNested(nested));
        }
        // anonymous classes are not declared members: find them by name, Outer$1, Outer$2, ...
        for (int i = 1; ; i++)
        {
            try
            {
                all.add(Class.forName(type.getName() + "$" + i, false, type.getClassLoader()));
            }
            catch (final ClassNotFoundException ex)
            {
                return all;
            }
        }
    }

    /** Whether the class file's constant pool holds a CONSTANT_InvokeDynamic (18) or CONSTANT_Dynamic (17) entry. */
    private static boolean hasInvokeDynamic(final Class<?> type) throws IOException
    {
        final String resource = type.getName().substring(type.getPackageName().length() + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(resource))
        {
            assertTrue(in != null, "class file of " + type.getName());
            final DataInputStream data = new DataInputStream(in);
            assertEquals(0xCAFEBABE, data.readInt(), type.getName());
            data.readUnsignedShort();
            data.readUnsignedShort();
            final int count = data.readUnsignedShort();
            for (int i = 1; i < count; i++)
            {
                final int tag = data.readUnsignedByte();
                switch (tag)
                {
                    case 1 -> data.skipBytes(data.readUnsignedShort());
                    case 7, 8, 16, 19, 20 -> data.skipBytes(2);
                    case 15 -> data.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12 -> data.skipBytes(4);
                    case 5, 6 ->
                    {
                        data.skipBytes(8);
                        i++;
                    }
                    case 17, 18 ->
                    {
                        return true;
                    }
                    default -> throw new AssertionError(type.getName() + ": constant pool tag " + tag);
                }
            }
            return false;
        }
    }
}
