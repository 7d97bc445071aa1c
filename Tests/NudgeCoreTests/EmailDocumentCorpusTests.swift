import Foundation
import NudgeTesting
import Testing

@testable import NudgeCore

/// Pins every byte `EmailDocument` writes for a large seeded corpus of messages: Vietnamese, emoji, combining
/// marks, ASCII that folds and ASCII too long to fold, `=?` look-alikes, several recipients, control characters,
/// HTML with and without a `<body>` tag, preheaders, marketing and not. A change to any header's folding or
/// encoding, the parts or the body encoding changes the digest; the other EmailDocument tests say what is right,
/// this one says that nothing moved.
@Suite("EmailDocument corpus")
struct EmailDocumentCorpusTests {
    static let pieces = [
        "a", "Z", " ", "  ", "~", "=", "=?", "?=", "\"", "\\", "<", ">", ",", "ơ", "Ố", "ử", "đ", "Đ", "ặ", "ỹ", "ñ",
        "₫", "😀", "🇻🇳", "👨‍👩‍👧", "e\u{301}", "한", "\r\n", "\n", "\t", "\u{7F}", "\u{A0}", "\u{2028}",
        "Giảm giá 50% cho phụ kiện", "Ưu đãi cuối tuần", "hello", "world", "quarterly",
        String(repeating: "x", count: 90), "https://shop.example.vn/p/case-15?utm=a&b=c", "abcdefghij",
        String(repeating: "y", count: 37), String(repeating: "z", count: 60), "b", "cd",
    ]

    static func text(_ random: inout SplitMix64, upTo count: Int) -> String {
        (0..<random.below(count + 1)).map { _ in random.pick(pieces) }.joined()
    }

    static func message(_ random: inout SplitMix64) -> (MessageContent, MailAddress, Recipient, String, Bool) {
        let html: String? =
            switch random.below(4) {
            case 0: nil
            case 1: "<html><BODY class=\"x\"><p>" + text(&random, upTo: 40) + "</p></BODY></html>"
            case 2: "<p>" + text(&random, upTo: 200) + "</p>"
            default: ""
            }
        let content = MessageContent(
            subject: random.below(10) == 0 ? nil : text(&random, upTo: 12),
            preheader: random.below(2) == 0 ? nil : text(&random, upTo: 8), html: html, text: text(&random, upTo: 120),
            unsubscribeURL: random.below(3) == 0 ? nil : "https://shop.example.vn/u/" + text(&random, upTo: 3))
        let sender = MailAddress(parsing: random.pick(["Shop <shop@example.vn>", "Cửa hàng Điện thoại <shop@ví.vn>"]))
        let addresses = (0..<(1 + random.below(3))).map { index in
            random.pick(["lan@example.vn", " <x@y.vn>, z", "lân@ví.vn", "\(index)@example.vn"])
        }
        let recipient = Recipient(addresses: addresses, name: random.below(3) == 0 ? nil : text(&random, upTo: 6))
        return (content, sender, recipient, "corpus/" + text(&random, upTo: 4), random.below(2) == 0)
    }

    @Test func everyByteOfTheCorpusIsUnchanged() {
        var random = SplitMix64(seed: 0x6d61_696c_2d63_6f72)
        var all: [UInt8] = []
        for index in 0..<2000 {
            let (content, sender, recipient, key, isMarketing) = Self.message(&random)
            let date = Date(timeIntervalSince1970: 1_795_748_400 + Double(index) * 3_607.25)
            all +=
                EmailDocument.build(
                    content: content, sender: sender, to: recipient, messageKey: key, date: date,
                    isMarketing: isMarketing
                ).utf8
        }
        #expect(all.count == 3_774_681)
        #expect(
            SHA256.hexString(SHA256.digest(all)) == "d2616fee9c4b818939cd4673249c8c3264a74b9cca4460b8577e447c00111845")
    }
}
