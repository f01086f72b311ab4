package io.mnemos.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A raw connection with a 4 KB receive buffer, set before connecting so the TCP window stays
 * small: replies it does not read pile up on the server, as with a client that stopped reading.
 */
public final class SlowReader {
    private SlowReader() {
    }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }
}
