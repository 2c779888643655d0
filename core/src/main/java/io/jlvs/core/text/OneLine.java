package io.jlvs.core.text;

/**
 * Keeps a message on one line when it quotes what an operator wrote: line breaks and other
 * control characters become escapes ({@code "a\nb"} reads {@code a\nb}), everything else stays.
 * Allocates only when there is something to escape.
 */
public final class OneLine {
    private OneLine() {
    }

    /** {@code text} with line breaks and other control characters written as escapes. */
    public static String of(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (control) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
