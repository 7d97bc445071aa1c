import Foundation

/// Plain Vietnamese for SMS: "Giảm giá" → "Giam gia", "Đà Nẵng" → "Da Nang", so that a text fits GSM-7
/// (160 characters a part) instead of UCS-2 (70).
///
/// Removes the five tone marks (grave, acute, hook above, tilde, dot below) and the vowel marks (breve,
/// circumflex, horn) from the vowels a, e, i, o, u, y in either case, whether the text is precomposed (NFC) or
/// decomposed (NFD), and turns đ/Đ into d/D. Marks on any other letter are kept ("ñ", "ç", "ü" stay as they
/// are), as is every other character, so a text that needs UCS-2 for another reason (an emoji, Chinese) still
/// does. The result is in NFC.
public enum VietnameseDiacritics {
    /// The combining marks Vietnamese puts on vowels.
    static let marks: Set<Unicode.Scalar> = [
        "\u{0300}",  // grave: huyền
        "\u{0301}",  // acute: sắc
        "\u{0303}",  // tilde: ngã
        "\u{0309}",  // hook above: hỏi
        "\u{0323}",  // dot below: nặng
        "\u{0306}",  // breve: ă
        "\u{0302}",  // circumflex: â ê ô
        "\u{031B}",  // horn: ơ ư
    ]

    static let vowels: Set<Unicode.Scalar> = Set("aeiouyAEIOUY".unicodeScalars)

    /// `text` without Vietnamese diacritics, in NFC.
    public static func strip(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        // The base letter the marks that follow belong to; marks are stripped only while it is a vowel.
        var baseIsVowel = false
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if marks.contains(scalar) {
                if !baseIsVowel { out.append(scalar) }
                continue
            }
            if scalar.properties.canonicalCombiningClass != .notReordered {
                // Another combining mark (diaeresis, cedilla, …) stays, and does not end the letter.
                out.append(scalar)
                continue
            }
            switch scalar {
            case "đ": out.append("d")
            case "Đ": out.append("D")
            default: out.append(scalar)
            }
            baseIsVowel = vowels.contains(scalar)
        }
        return String(out).precomposedStringWithCanonicalMapping
    }
}
