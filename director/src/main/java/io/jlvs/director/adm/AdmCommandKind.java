package io.jlvs.director.adm;

/**
 * The ipvsadm commands, with the name ipvsadm's messages use and the row of its legality
 * table: one character per {@link AdmOption}, in that enum's order, where {@code +} means
 * required, {@code x} illegal, {@code 1} at most one of the options so marked, and a space
 * optional. {@link #HELP} and {@link #VERSION} end parsing at once and have no row.
 */
public enum AdmCommandKind {
    ADD_SERVICE("add-service",       "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx"),
    EDIT_SERVICE("edit-service",     "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx"),
    DELETE_SERVICE("delete-service", "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    FLUSH("flush",                   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    LIST("list",                     " 11xxxxxxxxx11       xxxxxxx xxxxx"),
    ADD_SERVER("add-server",         "xx+xxx+    xxxxxxxxxxxxxxxxxx     "),
    DELETE_SERVER("delete-server",   "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    EDIT_SERVER("edit-server",       "xx+xxx+    xxxxxxxxxxxxxxxxxx     "),
    SET_TIMEOUTS("set",              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    START_DAEMON("start-daemon",     "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx"),
    STOP_DAEMON("stop-daemon",       "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx"),
    RESTORE("restore",               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    SAVE("save",                     " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ZERO("zero",                     "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    HELP("help", null),
    VERSION("version", null);

    private final String commandName;
    private final String legality;

    AdmCommandKind(String commandName, String legality) {
        this.commandName = commandName;
        this.legality = legality;
        if (legality != null && legality.length() != AdmOption.values().length) {
            throw new AssertionError(commandName + " legality row has " + legality.length() + " columns");
        }
    }

    /** The name in ipvsadm's messages ({@code add-service}). */
    public String commandName() {
        return commandName;
    }

    /** The legality mark of an option for this command: {@code '+'}, {@code 'x'}, {@code '1'} or space. */
    char legality(AdmOption option) {
        return legality.charAt(option.ordinal());
    }
}
