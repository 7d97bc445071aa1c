import Foundation
import Testing

@testable import NudgeCore

@Suite struct VietnameseDiacriticsTests {
    /// Every vowel with every tone, by base letter.
    static let vowels: [(String, Character)] = [
        ("aàáảãạăằắẳẵặâầấẩẫậ", "a"),
        ("eèéẻẽẹêềếểễệ", "e"),
        ("iìíỉĩị", "i"),
        ("oòóỏõọôồốổỗộơờớởỡợ", "o"),
        ("uùúủũụưừứửữự", "u"),
        ("yỳýỷỹỵ", "y"),
    ]

    func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    @Test func samples() {
        #expect(VietnameseDiacritics.strip("Giảm giá") == "Giam gia")
        #expect(VietnameseDiacritics.strip("Đà Nẵng, đường Nguyễn Huệ") == "Da Nang, duong Nguyen Hue")
        #expect(VietnameseDiacritics.strip("đ") == "d")
        #expect(VietnameseDiacritics.strip("Đ") == "D")
        #expect(VietnameseDiacritics.strip("ĐẶT HÀNG NGAY") == "DAT HANG NGAY")
        #expect(VietnameseDiacritics.strip("Cảm ơn quý khách!") == "Cam on quy khach!")
    }

    @Test(arguments: vowels)
    func everyPrecomposedVowelLowerAndUpper(_ letters: String, _ base: Character) {
        #expect(scalars(VietnameseDiacritics.strip(letters)) == scalars(String(repeating: base, count: letters.count)))
        let upper = letters.uppercased()
        #expect(upper.count == letters.count)
        #expect(
            scalars(VietnameseDiacritics.strip(upper))
                == scalars(String(repeating: Character(base.uppercased()), count: letters.count)))
    }

    @Test(arguments: vowels)
    func everyDecomposedVowel(_ letters: String, _ base: Character) {
        let decomposed = letters.decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count > letters.count)  // really decomposed
        #expect(
            scalars(VietnameseDiacritics.strip(decomposed)) == scalars(String(repeating: base, count: letters.count)))
        #expect(
            scalars(VietnameseDiacritics.strip(decomposed.uppercased()))
                == scalars(String(repeating: Character(base.uppercased()), count: letters.count)))
    }

    @Test func marksInNonCanonicalOrderAreStripped() {
        // ệ written as e + circumflex + dot below (NFD puts the dot first).
        #expect(VietnameseDiacritics.strip("Vi\u{65}\u{302}\u{323}t") == "Viet")
    }

    @Test func otherLettersKeepTheirMarks() {
        // ñ, ü, ç are not Vietnamese; only the tone on a vowel goes.
        #expect(scalars(VietnameseDiacritics.strip("Señor, über, façade")) == scalars("Señor, über, façade"))
        #expect(scalars(VietnameseDiacritics.strip("n\u{303}")) == scalars("ñ"))
        #expect(scalars(VietnameseDiacritics.strip("ǘ")) == scalars("ü"))  // u + diaeresis + acute
    }

    @Test func everythingElseIsKept() {
        let text = "Giá: 1.000.000₫ — 50% 🎉 中文 @shop #1 {x}\n"
        #expect(scalars(VietnameseDiacritics.strip(text)) == scalars("Gia: 1.000.000₫ — 50% 🎉 中文 @shop #1 {x}\n"))
    }

    @Test func resultIsNFC() {
        let out = VietnameseDiacritics.strip("Me\u{301}xico Jose\u{301} n\u{303}")
        #expect(scalars(out) == scalars("Mexico Jose ñ"))
        #expect(scalars(out) == scalars(out.precomposedStringWithCanonicalMapping))
    }

    @Test func strippedTextThatStillHasNonGSMStaysUCS2() {
        let emoji = SMSText("Giảm giá 🎉", stripDiacritics: true)
        #expect(emoji.text == "Giam gia 🎉")
        #expect(emoji.encoding == .ucs2)
        #expect(emoji.firstNonGSM == "🎉")

        let cedilla = SMSText("Giảm giá façade", stripDiacritics: true)  // lower-case ç is not GSM-7 (Ç is)
        #expect(cedilla.encoding == .ucs2)
        #expect(cedilla.firstNonGSM == "ç")

        let dong = SMSText("Giá 100.000₫", stripDiacritics: true)
        #expect(dong.encoding == .ucs2)
    }

    @Test func strippedFullAlphabetIsGSM7() {
        let all = Self.vowels.map(\.0).joined() + "đĐ"
        let sms = SMSText(all + all.uppercased(), stripDiacritics: true)
        #expect(sms.encoding == .gsm7)
        #expect(sms.length == (all.count) * 2)
    }
}
