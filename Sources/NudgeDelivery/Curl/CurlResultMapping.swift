import CCurl
import Foundation
import NudgeCore

/// libcurl's view of a finished transfer (its result code, the last reply code, the header lines and body it
/// collected) as a `TransferResult`.
///
/// A failed transfer still counts as the peer's answer when the peer refused with a 4xx or 5xx reply (an SMTP
/// server rejecting `RCPT`, `421` before closing): that code is what the classifiers judge. Connection, TLS
/// and timeout failures are transport errors whatever code came before, so STARTTLS refused with `502`, or a
/// connection dropped after `250`, is never taken for the server's verdict on the message.
enum CurlResultMapping {
    static func result(code: CURLcode, replyCode: Int, transfer: CurlTransfer) -> TransferResult {
        let isSMTP: Bool
        if case .smtp = transfer.job.request.kind { isSMTP = true } else { isSMTP = false }
        let category = category(of: code)
        let answered = code == CURLE_OK || (replyCode >= 400 && category == .sendReceive)
        guard answered, replyCode > 0 else {
            var message = transfer.errorText
            if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
            if replyCode > 0, code != CURLE_OK { message += " (last reply \(replyCode))" }
            return .transportError(category, message: message)
        }
        if isSMTP {
            return .response(
                code: replyCode, headers: [:], body: Array(lastReply(transfer.headerLines, code: replyCode).utf8))
        }
        return .response(code: replyCode, headers: httpHeaders(headerBytes: transfer.headerBytes), body: transfer.body)
    }

    /// The kind of failure behind a libcurl result code.
    static func category(of code: CURLcode) -> TransferErrorCategory {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_REMOTE_ACCESS_DENIED, CURLE_LOGIN_DENIED,
            CURLE_UPLOAD_FAILED, CURLE_QUOTE_ERROR, CURLE_HTTP_RETURNED_ERROR, CURLE_AGAIN:
            return .sendReceive
        default:
            return .other
        }
    }

    /// HTTP response headers by lowercased name, from the last response only (after any `100 Continue`), read
    /// from the header lines as `CurlTransfer.headerBytes` holds them: each line followed by an LF (bytes after the
    /// last LF are not a line). Names and values are trimmed of spaces and tabs. Every answer goes through here,
    /// so each line is read in place and each name and value built in one copy.
    static func httpHeaders(headerBytes: [UInt8]) -> [String: String] {
        var headers: [String: String] = [:]
        headers.reserveCapacity(headerBytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 })
        headerBytes.withUnsafeBufferPointer { all in
            var start = 0
            while let end = all[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let bytes = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                if bytes.starts(with: "HTTP/".utf8) {
                    headers.removeAll(keepingCapacity: true)
                    continue
                }
                guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let name = trimmed(bytes, 0..<colon)
                let value = trimmed(bytes, (colon + 1)..<bytes.count)
                let key = String(unsafeUninitializedCapacity: name.count) { buffer in
                    for (offset, byte) in bytes[name].enumerated() {
                        buffer[offset] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                    }
                    return name.count
                }
                headers[key] = String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
            }
        }
        return headers
    }

    /// `range` of `bytes` without the spaces and tabs at either end.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The text of the SMTP server's last reply with `code`, all its lines (`250-…` continuations and the final
    /// `250 …`). Replies after it (`221 Bye` to the `QUIT` that follows a refusal) are not the verdict.
    static func lastReply(_ lines: [String], code: Int) -> String {
        let prefix = String(code)
        // Where the reply being read starts, and where the last one with the code lies.
        var replyStart: Int?
        var verdict: Range<Int>?
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let start = replyStart ?? index
            // `250-` continues a reply; `250 ` (or a bare `250`) ends it.
            if line.utf8.dropFirst(3).first == UInt8(ascii: "-") {
                replyStart = start
                continue
            }
            if lines[start].hasPrefix(prefix) { verdict = start..<index + 1 }
            replyStart = nil
        }
        // A reply the server did not finish counts as it stands.
        if let start = replyStart, lines[start].hasPrefix(prefix) { verdict = start..<lines.count }
        guard let verdict else { return "" }
        if verdict.count == 1 { return lines[verdict.lowerBound] }
        return lines[verdict].filter { !$0.isEmpty }.joined(separator: "\r\n")
    }
}
