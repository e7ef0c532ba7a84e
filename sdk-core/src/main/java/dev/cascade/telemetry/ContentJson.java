package dev.cascade.telemetry;

/**
 * The opt-in content attributes as JSON strings, in the shapes the GenAI semantic conventions give for
 * {@code gen_ai.system_instructions}, {@code gen_ai.input.messages} and {@code gen_ai.output.messages}.
 */
final class ContentJson {
    private ContentJson() {
    }

    static String systemInstructions(String text) {
        return "[{\"type\":\"text\",\"content\":" + quote(text) + "}]";
    }

    static String inputMessages(String userText) {
        return "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":" + quote(userText) + "}]}]";
    }

    static String outputMessages(String text, String finishReason) {
        return "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":" + quote(text)
                + "}],\"finish_reason\":" + quote(finishReason == null ? "stop" : finishReason) + "}]";
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
