import Testing

@testable import NudgeCore

@Suite struct JSONBytesTests {
    func stored(_ text: String) -> String {
        var out = ""
        StoredJSON.writeString(text, to: &out)
        return out
    }

    func bytes(_ text: String) -> String {
        var out: [UInt8] = []
        JSONBytes.appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func everyASCIICharacterIsWrittenAsStoredJSONWritesIt() {
        for value in 0..<0x80 {
            let text = "a" + String(UnicodeScalar(UInt8(value))) + "b"
            #expect(bytes(text) == stored(text), "U+\(String(value, radix: 16))")
        }
    }

    @Test func vietnameseAndEmojiStayUTF8BetweenEscapes() {
        let text = "Chào chị \"Lan\",\nbạn đã dùng 90% gói \\Cơ bản\\.\tNâng cấp — giảm 20% 🎉\u{1F}"
        #expect(bytes(text) == stored(text))
        #expect(bytes("") == "\"\"")
        var out: [UInt8] = []
        JSONBytes.appendString(orNull: nil, to: &out)
        #expect(out == Array("null".utf8))
    }
}
