package dev.tandem.node;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Directory helpers for scratch and demo directories, shared by the node, the demo and the benchmarks.
 * Stateless; any thread.
 */
public final class Dirs
{
    private Dirs()
    {
    }

    /**
     * Deletes a tree, ignoring what cannot be deleted (best effort: used on the way out).
     *
     * @param root the tree to delete; {@code null} or a missing path is a no-op.
     */
    public static void deleteRecursively(final Path root)
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException
                {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ignore)
        {
            // best effort
        }
    }
}
