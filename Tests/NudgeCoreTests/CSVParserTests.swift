import Foundation
import Testing

@testable import NudgeCore

@Suite struct CSVParserTests {
    /// Parses `text` fed in chunks of `chunk` bytes (so every split point is exercised by the small sizes).
    static func rows(_ text: String, chunk: Int = 1 << 20) -> [CSVParser.Row] {
        rows(Array(text.utf8), chunk: chunk)
    }

    static func rows(_ bytes: [UInt8], chunk: Int = 1 << 20) -> [CSVParser.Row] {
        var parser = CSVParser()
        var rows: [CSVParser.Row] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            parser.feed(bytes[start..<end]) { rows.append($0) }
            start = end
        }
        parser.finish { rows.append($0) }
        return rows
    }

    @Test func plainRowsWithAndWithoutAFinalLineBreak() {
        for text in ["a,b,c\n1,2,3\n", "a,b,c\n1,2,3"] {
            let rows = Self.rows(text)
            #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
            #expect(rows.map(\.line) == [1, 2])
            #expect(rows.allSatisfy { $0.problem == nil })
        }
    }

    @Test func quotedFieldsHoldCommasLineBreaksAndDoubledQuotes() {
        let text = "id,note\n1,\"a, b\"\n2,\"line one\nline two\"\n3,\"she said \"\"hi\"\"\"\n4,\"\"\n5,\n"
        for chunk in [1, 2, 3, 7, 1 << 20] {
            let rows = Self.rows(text, chunk: chunk)
            #expect(
                rows.map(\.fields) == [
                    ["id", "note"], ["1", "a, b"], ["2", "line one\nline two"], ["3", "she said \"hi\""], ["4", ""],
                    ["5", ""],
                ], "chunk \(chunk)")
            // The row after the two-line field starts on line 5.
            #expect(rows.map(\.line) == [1, 2, 3, 5, 6, 7], "chunk \(chunk)")
        }
    }

    @Test func crlfAndLoneCRLineEndingsAndBlankLines() {
        let rows = Self.rows("a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r6,7")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "x\r\ny"], ["4", "5"], ["6", "7"]])
        #expect(rows.map(\.line) == [1, 2, 4, 6, 7])
    }

    @Test func aByteOrderMarkIsSkippedEvenWhenSplitAcrossChunks() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\n1,Lan\n".utf8)
        for chunk in [1, 2, 4, 100] {
            #expect(Self.rows(bytes, chunk: chunk).map(\.fields) == [["id", "name"], ["1", "Lan"]], "chunk \(chunk)")
        }
        // Bytes that only start like a BOM are kept.
        #expect(Self.rows([0xEF] + Array("x".utf8)).first?.problem != nil)
    }

    @Test func vietnameseTextSurvivesEveryChunkSplit() {
        let text = "sku,name\nCASE-01,\"Ốp lưng trong suốt, chống sốc\"\nPHONE-X,Điện thoại Xịn\n"
        for chunk in [1, 2, 3, 5] {
            #expect(
                Self.rows(text, chunk: chunk).map(\.fields) == [
                    ["sku", "name"], ["CASE-01", "Ốp lưng trong suốt, chống sốc"], ["PHONE-X", "Điện thoại Xịn"],
                ])
        }
    }

    @Test func problemsAreReportedOnTheirRow() {
        let rows = Self.rows("a,b\n1,x\"y\n2,\"ok\"z\n3,\"open\n")
        #expect(rows.count == 4)
        #expect(rows[0].problem == nil)
        #expect(rows[1].problem?.contains("quote inside an unquoted field") == true)
        #expect(rows[2].problem?.contains("after a closing quote") == true)
        #expect(rows[3].problem?.contains("not closed") == true)
        #expect(rows[3].line == 4)
        let invalid = Self.rows([0x61, 0x0A, 0xC3, 0x28, 0x0A])
        #expect(invalid[1].problem?.contains("not valid UTF-8") == true)
    }
}
