package dev.portcullis.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.net.ssl.SSLSocket;

/** Byte-level helpers for TLS tests: a hand-made ClientHello, one TLS record, one HTTP exchange on an open socket. */
final class RawTls {
    private RawTls() {
    }

    /** One keep-alive request on an open TLS connection; the status line and headers of the answer. */
    static String requestOn(SSLSocket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // reset by the peer: nothing more to read
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One TLS record: the 5-byte header and its payload. */
    static byte[] readRecord(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] header = new byte[5];
        try {
            d.readFully(header);
        } catch (EOFException e) {
            throw new AssertionError("connection closed without an alert", e);
        }
        int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        byte[] record = new byte[5 + length];
        System.arraycopy(header, 0, record, 0, 5);
        d.readFully(record, 5, length);
        return record;
    }

    /**
     * A TLS 1.1 ClientHello (RFC 4346) offering the ECDHE CBC suites TLS 1.1 can use, and the GCM
     * ones Portcullis enables; the caller checks the alert says protocol_version, so the refusal
     * is about the version and not about finding no common suite.
     */
    static byte[] tls11ClientHello() {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(0x03);
        hello.write(0x02); // client_version TLS 1.1
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        hello.writeBytes(random);
        hello.write(0); // no session id
        int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013, 0xC00A, 0xC014, 0x002F};
        u16(hello, suites.length * 2);
        for (int suite : suites) {
            u16(hello, suite);
        }
        hello.write(1);
        hello.write(0); // compression: null only
        byte[] extensions = {
            0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
        };
        u16(hello, extensions.length);
        hello.writeBytes(extensions);

        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16); // handshake
        record.write(0x03);
        record.write(0x02);
        u16(record, body.length + 4);
        record.write(0x01); // client_hello
        record.write(0);
        u16(record, body.length);
        record.writeBytes(body);
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xFF);
        out.write(v & 0xFF);
    }
}
