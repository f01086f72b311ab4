package io.mnemos.persistence;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written under a temporary name in its target directory and renamed over the destination
 * only once complete and fsynced, so a crash never leaves a partial file under the real name.
 */
public final class TempFile implements AutoCloseable {
    private final Path temp;
    private final Path target;
    private final FileOutputStream stream;

    public TempFile(Path dir, String filename, String tempName) throws IOException {
        this.target = dir.resolve(filename);
        this.temp = dir.resolve(tempName);
        this.stream = new FileOutputStream(temp.toFile());
    }

    public OutputStream stream() {
        return stream;
    }

    /** fsync, close, atomic rename over the destination. */
    public void syncAndRename() throws IOException {
        stream.flush();
        stream.getFD().sync();
        stream.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Closes and deletes the temporary file (a no-op for the renamed file). */
    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
