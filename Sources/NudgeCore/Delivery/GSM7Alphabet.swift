/// The GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet and its extension table, as far as counting goes:
/// which characters an SMS can carry without switching to UCS-2, and how many septets each one takes.
public enum GSM7Alphabet {
    /// The basic table, in code order (0x00–0x7F); the escape code 0x1B stands for no character and is left out.
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅå"
            + "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
            + " !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZÄÖÑÜ§"
            + "¿abcdefghijklmno"
            + "pqrstuvwxyzäöñüà").unicodeScalars
    )

    /// The extension table: each is sent as the escape code and one more septet.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets one scalar takes in GSM-7: 1 for the basic table, 2 for the extension table, nil when it has none.
    public static func septets(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }

    /// True when every scalar of `text` is in the basic or extension table.
    public static func canEncode(_ text: String) -> Bool {
        firstUnencodable(in: text) == nil
    }

    /// The first scalar of `text` that GSM-7 cannot carry, or nil when it can carry all of them.
    public static func firstUnencodable(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { septets($0) == nil }
    }

    /// The septets `text` takes in GSM-7, or nil when some scalar has no GSM-7 code.
    public static func septetCount(_ text: String) -> Int? {
        var total = 0
        for scalar in text.unicodeScalars {
            guard let n = septets(scalar) else { return nil }
            total += n
        }
        return total
    }
}
