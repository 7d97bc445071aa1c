/// Checks and normal forms of a customer's addresses.
public enum ContactRules {
    public static let maximumEmailLength = 254

    /// Nil when `email` is usable (exactly one `@` with text on both sides, no whitespace or control characters,
    /// at most 254 bytes), otherwise what is wrong with it.
    public static func emailProblem(_ email: String) -> String? {
        if email.utf8.count > maximumEmailLength {
            return "must be at most \(maximumEmailLength) bytes, found \(email.utf8.count)"
        }
        if email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "must not contain spaces, line breaks or control characters"
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return "must be one address with exactly one '@', like lan@example.vn"
        }
        return nil
    }

    /// `phone` in E.164 (`+` then 8–15 digits, the first not 0), after dropping the spaces, dashes, dots and
    /// parentheses people write for readability; nil when it is not such a number.
    public static func normalizedPhone(_ phone: String) -> String? {
        let kept = String(phone.unicodeScalars.filter { !" -.()".unicodeScalars.contains($0) })
        let digits = kept.utf8.dropFirst()
        guard kept.hasPrefix("+"), (8...15).contains(digits.count), digits.first != UInt8(ascii: "0"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return kept
    }
}
