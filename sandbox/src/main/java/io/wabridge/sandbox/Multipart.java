package io.wabridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small multipart/form-data reader for media uploads. */
record Multipart(List<Part> parts) {

    record Part(String name, String filename, String contentType, byte[] bytes) {}

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    static Multipart parse(String contentType, byte[] body) {
        Matcher m = contentType == null ? null : BOUNDARY.matcher(contentType);
        if (m == null || !contentType.startsWith("multipart/form-data") || !m.find()) {
            throw GraphError.invalidParameter("Invalid parameter", "media upload must be multipart/form-data");
        }
        byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(body, delimiter, 0);
        while (pos >= 0) {
            int start = pos + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            start += 2; // CRLF
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int next = indexOf(body, delimiter, start);
            if (headerEnd < 0 || next < 0) {
                break;
            }
            String headers = new String(body, start, headerEnd - start, StandardCharsets.ISO_8859_1);
            byte[] content = Arrays.copyOfRange(body, headerEnd + 4, next - 2);
            Matcher name = NAME.matcher(headers);
            Matcher filename = FILENAME.matcher(headers);
            String type = null;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    type = line.substring(13).trim();
                }
            }
            parts.add(new Part(name.find() ? name.group(1) : "", filename.find() ? filename.group(1) : null, type, content));
            pos = next;
        }
        return new Multipart(parts);
    }

    String field(String name) {
        return parts.stream().filter(p -> p.name().equals(name) && p.filename() == null).findFirst()
                .map(p -> new String(p.bytes(), StandardCharsets.UTF_8)).orElse(null);
    }

    Part file(String name) {
        return parts.stream().filter(p -> p.name().equals(name) && p.filename() != null).findFirst().orElse(null);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
