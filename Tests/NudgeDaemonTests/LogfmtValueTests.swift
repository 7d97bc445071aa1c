import Testing

@testable import NudgeDaemon

/// Values in logfmt lines: bare when they can be, quoted and escaped when a reader would split them otherwise.
@Suite struct LogfmtValueTests {
    @Test(arguments: [
        ("sent", "sent"),
        ("bench-push/hello/c000001/1", "bench-push/hello/c000001/1"),
        ("Khách", "Khách"),
        ("", #""""#),
        ("two words", #""two words""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        ("line\nbreak", #""line\nbreak""#),
        ("tab\there", "tab\there"),
        ("next\u{85}line", "\"next\u{85}line\""),
        ("para\u{2029}graph", "\"para\u{2029}graph\""),
        ("Xin chào", #""Xin chào""#),
    ])
    func quotesOnlyWhatWouldSplitTheLine(value: String, written: String) {
        #expect(LineLogHandler.logfmtValue(value) == written)
        var line = Array("msg=".utf8)
        LineLogHandler.appendLogfmtValue(value, to: &line)
        #expect(line == Array(("msg=" + written).utf8))
    }
}
