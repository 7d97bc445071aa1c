import Testing

@testable import NudgeDelivery

@Suite("curl result mapping")
struct CurlResultMappingTests {
    @Test func theLastSMTPReplyIsKeptWithAllItsLines() {
        let lines = [
            "220 smtp-sink.test ESMTP", "250-smtp-sink.test", "250-PIPELINING", "250 8BITMIME", "250 2.1.0 Ok",
            "451-4.3.0 First", "451 4.3.0 Second", "",
        ]
        #expect(CurlResultMapping.lastReply(lines, code: 451) == "451-4.3.0 First\r\n451 4.3.0 Second")
        #expect(CurlResultMapping.lastReply(lines, code: 250) == "250 2.1.0 Ok")
        #expect(CurlResultMapping.lastReply(["250 Ok", "421"], code: 421) == "421")
        #expect(
            CurlResultMapping.lastReply(["550 5.1.1 No such user", "221 2.0.0 Bye"], code: 550)
                == "550 5.1.1 No such user")
        #expect(CurlResultMapping.lastReply([], code: 250) == "")
    }

    /// Replies grouped the plain way (each reply a list of its lines, continuations included), on random
    /// conversations: multi-line replies, blank lines, a reply cut short, codes that repeat.
    @Test func theLastReplyMatchesGroupingEveryReplyOnRandomLines() {
        func grouped(_ lines: [String], code: Int) -> String {
            var replies: [[String]] = []
            var complete = true
            for line in lines where !line.isEmpty {
                if complete { replies.append([]) }
                replies[replies.count - 1].append(line)
                complete = Array(line.utf8).dropFirst(3).first != UInt8(ascii: "-")
            }
            return (replies.last { $0.first?.hasPrefix(String(code)) == true } ?? []).joined(separator: "\r\n")
        }
        let pieces = [
            "250 2.1.0 Ok", "250-PIPELINING", "250", "354 End data", "451-4.3.0 First", "451 Second", "",
            "221 Bye", "550-5.1.1 No", "550 5.1.1 such user", "45", "4511 x", "250-",
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let lines = (0..<Int.random(in: 0..<9, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            for code in [250, 354, 451, 550, 221, 421] {
                #expect(
                    CurlResultMapping.lastReply(lines, code: code) == grouped(lines, code: code), "\(lines) \(code)")
            }
        }
    }

    @Test func httpHeadersComeFromTheLastResponse() {
        let lines = [
            "HTTP/1.1 100 Continue", "", "HTTP/1.1 429 Too Many Requests", "Retry-After:  7 ",
            "Content-Type: application/json", "X-Twice: one", "x-twice: two", "",
        ]
        #expect(
            Self.headers(lines) == ["retry-after": "7", "content-type": "application/json", "x-twice": "two"])
        #expect(
            Self.headers([
                "HTTP/1.1 200 OK", "\tX-Empty:\t ", ": no name", "No-Colon", "X-Tiếng-Việt: Xin chào  ", "X-Id:a:b",
            ]) == ["x-empty": "", "": "no name", "x-tiếng-việt": "Xin chào", "x-id": "a:b"])
        #expect(Self.headers([]) == [:])
    }

    @Test func aTransferKeepsEachLineWithoutItsLineBreak() {
        #expect(Self.transfer(receiving: []).headerLines == [])
        let lines = ["250 2.1.0 Ok", "", "X-CR: a\rb", "X-Tiếng-Việt: Xin chào", "250 2.0.0 Ok: queued as 4F2A1"]
        #expect(Self.transfer(receiving: lines).headerLines == lines)
        // Line breaks of any kind at the end go; one libcurl never sends (a lone LF, several CRs) as well.
        #expect(Self.transfer(receiving: ["a"], ending: "\r\r\n").headerLines == ["a"])
        #expect(Self.transfer(receiving: ["a", "b"], ending: "\n").headerLines == ["a", "b"])
        // A peer that answers without end keeps no more than 1,000 lines.
        let many = (0..<1001).map { "X-Line-\($0): \($0)" }
        #expect(Self.transfer(receiving: many).headerLines == Array(many.prefix(1000)))
    }

    /// The headers parsed from `lines` passed to a transfer's header callback as libcurl passes them.
    static func headers(_ lines: [String]) -> [String: String] {
        CurlResultMapping.httpHeaders(headerBytes: transfer(receiving: lines).headerBytes)
    }

    /// A transfer whose header callback was given each of `lines`, followed by `ending`.
    static func transfer(receiving lines: [String], ending: String = "\r\n") -> CurlTransfer {
        let request = CurlRequest(kind: .http(.init(method: "GET", url: "http://127.0.0.1:9/")), timeout: 5)
        let transfer = CurlTransfer(
            job: CurlJob(request: request, completion: { _ in }), setup: CurlHandleSetup(request))
        for line in lines {
            let bytes = Array((line + ending).utf8CString)
            bytes.withUnsafeBufferPointer { _ = transfer.header($0.baseAddress!, count: $0.count - 1) }
        }
        return transfer
    }
}
