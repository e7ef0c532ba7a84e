package dev.cascade.spring.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client that writes HTTP/1.1 by hand on a loopback socket, for what ordinary clients will not do: declare a body
 * far larger than what it sends, or stream chunks without ever ending the body. Each call answers with the status
 * line and headers the server sent (and as much of the body as came), or fails when the server has not answered
 * within {@code timeout} — the proof that it waited for a body it was never going to get.
 */
public final class RawHttp {

    /** How long to wait for an answer; a server that reads the whole declared body never answers. */
    public static final int ANSWER_TIMEOUT_MS = 30_000;

    private RawHttp() {
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) with {@code Content-Length: declared},
     * then {@code sent} bytes of body (less than declared), and reads the answer without sending the rest.
     */
    public static String declaredLength(int port, String head, long declared, int sent) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(ANSWER_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(filler(sent));
            out.flush();
            return answer(s.getInputStream());
        }
    }

    /**
     * Sends {@code head} with {@code Transfer-Encoding: chunked}, then {@code chunks} chunks of {@code chunkBytes}
     * each, never the last (empty) chunk, and reads the answer while the body is still open.
     */
    public static String chunked(int port, String head, int chunks, int chunkBytes) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(ANSWER_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] first = filler(chunkBytes);
            byte[] rest = letters(chunkBytes);
            byte[] size = (Integer.toHexString(chunkBytes) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < chunks; i++) {
                out.write(size);
                out.write(i == 0 ? first : rest);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            return answer(s.getInputStream());
        }
    }

    /** A JSON string that never ends: a parser that gets it must keep reading to the end of the body. */
    private static byte[] filler(int n) {
        byte[] b = letters(n);
        byte[] start = "{\"ticket\":\"".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(start, 0, b, 0, Math.min(start.length, n));
        return b;
    }

    private static byte[] letters(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    private static String answer(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && text.contains("}")) {
                    return text; // head and the (small, one-object) problem body
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT_MS + " ms (got: '"
                    + got.toString(StandardCharsets.ISO_8859_1) + "'): the server is waiting for the rest of the body",
                    e);
        } catch (IOException e) {
            if (got.size() == 0) {
                throw e;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }
}
