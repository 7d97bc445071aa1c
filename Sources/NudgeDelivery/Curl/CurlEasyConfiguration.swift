import CCurl
import Foundation
import NudgeCore

/// Turns a `CurlRequest` into libcurl options on an easy handle.
///
/// The options are of two kinds. Those of a channel (server, credentials, time limits, TLS, callbacks: its
/// `CurlHandleSetup`) are the same for each of its transfers; a pooled handle already set up for them keeps them,
/// and only the transfer's own options (its recipients or headers, its body, its buffers) are set again. libcurl
/// copies string options, so a handle set up anew for each message costs a reset and twenty options more.
enum CurlEasyConfiguration {
    /// Sets the transfer's options, and the channel's too unless `isSetUp` (the handle was set up for
    /// `CurlHandleSetup(request)`); returns why the request cannot run when libcurl refuses one, nil when all is set.
    static func apply(
        _ request: CurlRequest, to easy: UnsafeMutableRawPointer, isSetUp: Bool, transfer: CurlTransfer,
        sockets: CurlSocketRegistry
    ) -> String? {
        var options = EasyOptions(easy: easy)
        if !isSetUp { setUp(request, &options, sockets) }
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        options.set(CURLOPT_ERRORBUFFER, pointer: transfer.errorBuffer)
        options.set(CURLOPT_HEADERDATA, pointer: context)
        options.set(CURLOPT_WRITEDATA, pointer: context)
        switch request.kind {
        case .http(let http):
            // A request other than GET and HEAD always gets its body set, an empty one when it has none: without
            // one, libcurl would send a POST's body chunked, read from standard input, and a PUT with no length.
            if let body = http.body ?? (Self.isBodiless(http.method) ? nil : []) {
                // The size first: COPYPOSTFIELDS then copies exactly that many bytes, NULs included.
                options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
                // libcurl copies the bytes at once. An empty body still needs a pointer: NULL means "read the body".
                body.withUnsafeBytes { bytes in
                    let start = bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    options.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: start))
                }
            }
            // No `Expect: 100-continue` round trip before a body: gateways answer at once.
            let headers = http.headers.map { "\(clean($0.name)): \(clean($0.value))" } + ["Expect:"]
            options.set(CURLOPT_HTTPHEADER, pointer: transfer.list(headers))
        case .smtp(let smtp):
            options.set(CURLOPT_MAIL_RCPT, pointer: transfer.list(smtp.recipients.map { "<" + $0 + ">" }))
            transfer.upload(smtp.payload)
            options.set(CURLOPT_INFILESIZE_LARGE, offset: curl_off_t(smtp.payload.count))
            options.set(CURLOPT_READDATA, pointer: context)
        }
        return options.failure
    }

    /// Takes back every pointer `apply` gave the handle into a transfer's buffers, once the transfer has ended: the
    /// handle stays set up for its channel, pointing at nothing of the finished transfer.
    static func detach(_ easy: UnsafeMutableRawPointer) {
        for option in [CURLOPT_ERRORBUFFER, CURLOPT_HEADERDATA, CURLOPT_WRITEDATA, CURLOPT_READDATA] {
            _ = ccurl_easy_setopt_pointer(easy, option, nil)
        }
        for option in [CURLOPT_MAIL_RCPT, CURLOPT_HTTPHEADER] {
            _ = ccurl_easy_setopt_pointer(easy, option, UnsafeMutablePointer<curl_slist>?.none)
        }
    }

    /// The channel's options: those of every transfer with the same `CurlHandleSetup`.
    private static func setUp(_ request: CurlRequest, _ options: inout EasyOptions, _ sockets: CurlSocketRegistry) {
        options.set(CURLOPT_NOSIGNAL, 1)
        options.track(sockets)
        options.set(CURLOPT_TIMEOUT_MS, milliseconds(request.timeout))
        options.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connectTimeout))
        // SMTP replies, and the QUIT libcurl sends when it closes a connection (which blocks the loop), may
        // take no longer than the whole transfer; libcurl's default is two minutes.
        options.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(request.timeout.rounded(.up))))
        options.set(CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        options.set(CURLOPT_WRITEFUNCTION, curlWriteCallback)
        if let caFile = request.tls.caFile { options.set(CURLOPT_CAINFO, caFile) }
        if !request.tls.verify {
            options.set(CURLOPT_SSL_VERIFYPEER, 0)
            options.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        switch request.kind {
        case .http(let http):
            options.set(CURLOPT_PROTOCOLS_STR, "http,https")
            options.set(CURLOPT_URL, http.url)
            let method = http.method.uppercased()
            switch method {
            case "GET": options.set(CURLOPT_HTTPGET, 1)
            case "HEAD": options.set(CURLOPT_NOBODY, 1)
            case "POST": options.set(CURLOPT_POST, 1)
            default: options.set(CURLOPT_CUSTOMREQUEST, method)
            }
        case .smtp(let smtp):
            options.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            options.set(CURLOPT_URL, smtp.url)
            options.set(CURLOPT_MAIL_FROM, "<" + smtp.mailFrom + ">")
            switch smtp.startTLS {
            case .required: options.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            case .optional: options.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
            case .off: options.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
            }
            if let username = smtp.username {
                options.set(CURLOPT_USERNAME, username)
                options.set(CURLOPT_PASSWORD, smtp.password ?? "")
            }
            options.set(CURLOPT_UPLOAD, 1)
            options.set(CURLOPT_READFUNCTION, curlReadCallback)
        }
    }

    /// GET and HEAD send no body unless given one (setting one makes libcurl send a POST).
    private static func isBodiless(_ method: String) -> Bool {
        let method = method.uppercased()
        return method == "GET" || method == "HEAD"
    }

    /// libcurl reads 0 as "no limit": anything set is at least a millisecond.
    private static func milliseconds(_ seconds: TimeInterval) -> Int {
        max(1, Int((seconds * 1000).rounded(.up)))
    }

    /// A header name or value on one line: CR, LF (and any other control character) would end the header
    /// early and start one of the caller's choosing.
    private static func clean(_ text: String) -> String {
        // Printable ASCII, by far the usual case, has nothing to replace.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        return String(result)
    }
}

/// `curl_easy_setopt` through the typed wrappers, remembering the first option libcurl refuses.
private struct EasyOptions {
    let easy: UnsafeMutableRawPointer
    private(set) var failure: String?

    init(easy: UnsafeMutableRawPointer) {
        self.easy = easy
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        check(option, ccurl_easy_setopt_long(easy, option, value))
    }

    mutating func set(_ option: CURLoption, _ value: String) {
        check(option, ccurl_easy_setopt_string(easy, option, value))
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        check(option, ccurl_easy_setopt_pointer(easy, option, value))
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutablePointer<CChar>?) {
        check(option, ccurl_easy_setopt_pointer(easy, option, value))
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutablePointer<curl_slist>?) {
        check(option, ccurl_easy_setopt_pointer(easy, option, value))
    }

    mutating func set(_ option: CURLoption, offset value: curl_off_t) {
        check(option, ccurl_easy_setopt_offset(easy, option, value))
    }

    mutating func set(_ option: CURLoption, _ callback: ccurl_data_callback) {
        check(option, ccurl_easy_setopt_callback(easy, option, callback))
    }

    /// Opens and closes the transfer's sockets through `sockets`, which outlives every connection.
    mutating func track(_ sockets: CurlSocketRegistry) {
        let context = Unmanaged.passUnretained(sockets).toOpaque()
        check(CURLOPT_OPENSOCKETFUNCTION, ccurl_easy_setopt_opensocket(easy, curlOpenSocketCallback))
        check(CURLOPT_OPENSOCKETDATA, ccurl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, context))
        check(CURLOPT_CLOSESOCKETFUNCTION, ccurl_easy_setopt_closesocket(easy, curlCloseSocketCallback))
        check(CURLOPT_CLOSESOCKETDATA, ccurl_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, context))
    }

    private mutating func check(_ option: CURLoption, _ code: CURLcode) {
        guard code != CURLE_OK, failure == nil else { return }
        failure = "libcurl refused option \(option.rawValue): " + String(cString: curl_easy_strerror(code))
    }
}
