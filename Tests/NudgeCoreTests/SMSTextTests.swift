import Foundation
import Testing

@testable import NudgeCore

@Suite struct SMSTextTests {
    static let thanks =
        "Cảm ơn chị Lan đã mua iPhone 15! Giảm 15% ốp lưng và tai nghe đến hết 30/11: https://shop.vn/u/abc"

    func a(_ n: Int) -> String { String(repeating: "a", count: n) }
    func vi(_ n: Int) -> String { String(repeating: "ả", count: n) }

    // MARK: the alphabet

    @Test func alphabetTables() {
        // 128 codes less the escape; the extension table's nine characters and form feed.
        #expect(GSM7Alphabet.basic.count == 127)
        #expect(GSM7Alphabet.extended.count == 10)
        #expect(GSM7Alphabet.basic.isDisjoint(with: GSM7Alphabet.extended))
        for c in "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r".unicodeScalars {
            #expect(GSM7Alphabet.septets(c) == 1, "\(c)")
        }
        for c in "^{}\\[~]|€\u{0C}".unicodeScalars {
            #expect(GSM7Alphabet.septets(c) == 2, "\(c)")
        }
        for c in "`áảăđç\u{1B}\t😀ẞ".unicodeScalars {
            #expect(GSM7Alphabet.septets(c) == nil, "\(c)")
        }
        #expect(GSM7Alphabet.septetCount("a€b") == 4)
        #expect(GSM7Alphabet.septetCount("aáb") == nil)
    }

    // MARK: encoding and lengths

    @Test func plainTextIsGSM7() {
        let sms = SMSText("Hello [world] €5")
        #expect(sms.encoding == .gsm7)
        #expect(sms.length == 19)  // 16 characters, three from the extension table
        #expect(sms.parts == 1)
        #expect(sms.firstNonGSM == nil)
    }

    @Test func vietnameseIsUCS2UnlessStripped() throws {
        let raw = SMSText(Self.thanks)
        #expect(raw.encoding == .ucs2)
        #expect(raw.firstNonGSM == "ả")
        #expect(raw.length == Self.thanks.utf16.count)
        #expect(raw.length == 98)
        #expect(raw.parts == 2)

        let plain = SMSText(Self.thanks, stripDiacritics: true)
        #expect(
            plain.text
                == "Cam on chi Lan da mua iPhone 15! Giam 15% op lung va tai nghe den het 30/11: https://shop.vn/u/abc")
        #expect(plain.encoding == .gsm7)
        #expect(plain.length == 98)
        #expect(plain.parts == 1)
    }

    @Test(arguments: [
        (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4), (153 * 10, 10), (153 * 10 + 1, 11), (0, 1), (1, 1),
    ])
    func gsm7Parts(_ length: Int, _ parts: Int) {
        let sms = SMSText(a(length))
        #expect(sms.encoding == .gsm7)
        #expect(sms.length == length)
        #expect(sms.parts == parts)
        #expect(sms.partTexts.count == parts)
        #expect(sms.partTexts.joined() == a(length))
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (67 * 7, 7), (67 * 7 + 1, 8)])
    func ucs2Parts(_ length: Int, _ parts: Int) {
        let sms = SMSText(vi(length))
        #expect(sms.encoding == .ucs2)
        #expect(sms.length == length)
        #expect(sms.parts == parts)
        #expect(sms.partTexts.allSatisfy { $0.utf16.count <= (parts == 1 ? 70 : 67) })
        #expect(sms.partTexts.joined() == vi(length))
    }

    @Test func extensionCharactersCountTwiceInASinglePart() {
        #expect(SMSText(a(158) + "€").parts == 1)  // 160 septets
        #expect(SMSText(a(159) + "€").parts == 2)  // 161 septets
        #expect(SMSText(String(repeating: "{", count: 80)).parts == 1)
        #expect(SMSText(String(repeating: "{", count: 81)).parts == 2)
    }

    @Test func extensionCharacterIsNotSplitAcrossParts() {
        // 152 + 2 would cross the 153-septet boundary: the euro sign opens the second part.
        let sms = SMSText(a(152) + "€" + String(repeating: "b", count: 10))
        #expect(sms.parts == 2)
        #expect(sms.partTexts[0] == a(152))
        #expect(sms.partTexts[1] == "€" + String(repeating: "b", count: 10))

        // 306 septets would be two full parts if the escape could be cut from its character; it cannot.
        let tight = SMSText(a(152) + "€" + String(repeating: "b", count: 152))
        #expect(tight.length == 306)
        #expect(tight.parts == 3)
        #expect(tight.partTexts == [a(152), "€" + String(repeating: "b", count: 151), "b"])

        // At the very end of a part it fits.
        let fits = SMSText(a(151) + "€" + String(repeating: "b", count: 10))
        #expect(fits.partTexts[0] == a(151) + "€")
    }

    @Test func surrogatePairIsNotSplitAcrossParts() {
        #expect(SMSText(vi(68) + "😀").parts == 1)  // 70 units
        #expect(SMSText(vi(69) + "😀").parts == 2)  // 71 units
        let sms = SMSText(vi(66) + "😀" + vi(4))
        #expect(sms.length == 72)
        #expect(sms.parts == 2)
        #expect(sms.partTexts[0] == vi(66))
        #expect(sms.partTexts[1] == "😀" + vi(4))
        #expect(sms.partTexts.allSatisfy { String(decoding: Array($0.utf16), as: UTF16.self) == $0 })

        let exact = SMSText(vi(65) + "😀" + vi(10))
        #expect(exact.partTexts[0] == vi(65) + "😀")
    }

    @Test func emojiMakesAnEnglishTextUCS2() {
        let sms = SMSText("Sale ends tonight 🎉")
        #expect(sms.encoding == .ucs2)
        #expect(sms.firstNonGSM == "🎉")
        #expect(sms.length == 20)
    }

    @Test func textIsNormalisedToNFC() {
        let decomposed = "Cafe\u{0301}"  // é as e + combining acute
        let sms = SMSText(decomposed)
        #expect(sms.encoding == .gsm7)
        #expect(Array(sms.text.unicodeScalars) == Array("Caf\u{E9}".unicodeScalars))
        #expect(sms.length == 4)

        let vietnamese = SMSText(Self.thanks.decomposedStringWithCanonicalMapping)
        #expect(vietnamese.length == 98)
    }

    // MARK: refusals

    @Test func tooManyPartsIsRefusedWithAReason() throws {
        let error = #expect(throws: SMSRefusal.self) {
            try SMSText.prepare(vi(301), stripDiacritics: false, maxParts: 4)
        }
        #expect(
            error?.description
                == "the text needs 5 SMS parts (UCS-2 because of “ả” (U+1EA3), 301 characters) "
                + "but the channel allows at most 4")
        let gsm = #expect(throws: SMSRefusal.self) {
            try SMSText.prepare(a(600) + "€", stripDiacritics: false, maxParts: 3)
        }
        #expect(
            gsm?.description
                == "the text needs 4 SMS parts (GSM-7, 601 characters, 602 septets) but the channel allows at most 3")
        let emoji = #expect(throws: SMSRefusal.self) {
            try SMSText.prepare(vi(70) + "😀", stripDiacritics: false, maxParts: 1)
        }
        #expect(emoji?.description.contains("71 characters, 72 UTF-16 units") == true)
    }

    @Test func exactlyMaxPartsIsAccepted() throws {
        #expect(try SMSText.prepare(vi(268), stripDiacritics: false, maxParts: 4).parts == 4)
        #expect(try SMSText.prepare(a(160), stripDiacritics: false, maxParts: 1).parts == 1)
        #expect(throws: SMSRefusal.self) { try SMSText.prepare(a(161), stripDiacritics: false, maxParts: 1) }
    }

    @Test func strippingCanBringATextUnderTheLimit() throws {
        let text = String(repeating: "Giảm giá ", count: 20)  // 180 characters
        #expect(throws: SMSRefusal.self) { try SMSText.prepare(text, stripDiacritics: false, maxParts: 2) }
        let sms = try SMSText.prepare(text, stripDiacritics: true, maxParts: 2)
        #expect(sms.encoding == .gsm7 && sms.parts == 2)
    }

    @Test func emptyTextIsRefused() {
        #expect(throws: SMSRefusal.empty) { try SMSText.prepare("", stripDiacritics: false, maxParts: 3) }
        #expect(SMSRefusal.empty.description == "the SMS text is empty")
    }

    @Test func invisibleCausesAreShownAsCodePoints() {
        #expect(SMSRefusal.show("\u{0301}") == "U+0301")
        #expect(SMSRefusal.show("\t") == "U+0009")
        #expect(SMSRefusal.show("😀") == "“😀” (U+1F600)")
    }
}
