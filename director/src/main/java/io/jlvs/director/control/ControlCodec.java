package io.jlvs.director.control;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The wire format of the control socket. Each message is one frame: a 4-byte big-endian
 * length, then that many bytes of UTF-8 JSON. The client sends one {@link ControlRequest}
 * ({@code {"argv":["-Ln"],"stdin":""}}), the daemon answers one {@link ControlResponse}
 * ({@code {"stdout":"...","stderr":"","exitCode":0}}) and closes the connection.
 */
public final class ControlCodec {
    /** Bytes of the length field. */
    public static final int LENGTH_BYTES = 4;
    /** Largest frame body accepted either way: 16 MiB (a restore of many thousand rules). */
    public static final int MAX_FRAME_BYTES = 16 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlCodec() {
    }

    /** The JSON body of a request. */
    public static byte[] encode(ControlRequest request) {
        return write(request);
    }

    /** The JSON body of a response. */
    public static byte[] encode(ControlResponse response) {
        return write(response);
    }

    /**
     * A request from its JSON body.
     *
     * @throws IOException naming what is wrong with the body
     */
    public static ControlRequest decodeRequest(byte[] body) throws IOException {
        return read(body, ControlRequest.class);
    }

    /**
     * A response from its JSON body.
     *
     * @throws IOException naming what is wrong with the body
     */
    public static ControlResponse decodeResponse(byte[] body) throws IOException {
        return read(body, ControlResponse.class);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(byte[] body, Class<T> type) throws IOException {
        try {
            T value = JSON.readValue(body, type);
            if (value == null) {
                throw new IOException("empty " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IOException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
