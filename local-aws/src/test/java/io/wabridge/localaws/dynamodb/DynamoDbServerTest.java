package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The server's own HTTP/1.1 over a raw socket: keep-alive, chunked and 100-continue requests, Connection: close. */
class DynamoDbServerTest extends EngineTest {

    @Test
    void answersSeveralRequestsOnOneConnectionWhateverTheirFraming() throws Exception {
        try (Socket s = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String body = "{}";
            out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertAnswer(in, 200, "TableNames");

            out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.DescribeTable\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\n{\"Tab\r\n" + "12;ext=1\r\nleName\":\"missing\"}\r\n" + "0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertAnswer(in, 400, "ResourceNotFoundException");

            out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(line(in)).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(line(in)).isEmpty();
            out.write("{}".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertAnswer(in, 200, "TableNames");

            out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nConnection: close\r\n"
                    + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertAnswer(in, 200, "TableNames");
            assertThat(in.read()).as("the server closed the connection as asked").isEqualTo(-1);
        }
    }

    /** Reads one answer: status line, headers (Content-Length, x-amz-crc32 of the body), body. */
    private static void assertAnswer(InputStream in, int status, String bodyContains) throws IOException {
        assertThat(line(in)).startsWith("HTTP/1.1 " + status + " ");
        int length = -1;
        String crc = null;
        for (String h; !(h = line(in)).isEmpty(); ) {
            String name = h.substring(0, h.indexOf(':')).toLowerCase();
            String value = h.substring(h.indexOf(':') + 1).trim();
            if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equals("x-amz-crc32")) {
                crc = value;
            }
        }
        byte[] body = in.readNBytes(length);
        CRC32 check = new CRC32();
        check.update(body);
        assertThat(crc).isEqualTo(Long.toString(check.getValue()));
        assertThat(new String(body, StandardCharsets.UTF_8)).contains(bodyContains);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            assertThat(c).as("the stream ended mid-line").isNotEqualTo(-1);
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
