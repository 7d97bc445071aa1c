import CCurl
import Foundation
import NudgeCore

/// Easy handles kept for reuse once their transfer ends, each still set up for the channel it last served. Used
/// on the loop thread only. A reused handle keeps its DNS and TLS session caches; open connections live in the
/// multi handle.
struct CurlHandlePool {
    private var idle: [(easy: UnsafeMutableRawPointer, setup: CurlHandleSetup?)] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// A handle for a transfer with `setup`: an idle one already set up for it (`isSetUp`), else an idle one reset
    /// to libcurl's defaults, else a new one; nil only when libcurl cannot create one.
    mutating func take(for setup: CurlHandleSetup) -> (easy: UnsafeMutableRawPointer, isSetUp: Bool)? {
        if let index = idle.lastIndex(where: { $0.setup == setup }) {
            return (idle.remove(at: index).easy, true)
        }
        if let (easy, previous) = idle.popLast() {
            if previous != nil { curl_easy_reset(easy) }
            return (easy, false)
        }
        CurlGlobal.initialize()
        return curl_easy_init().map { ($0, false) }
    }

    /// Takes a handle back (already out of the multi handle), without the finished transfer's buffers: kept set up
    /// for `setup`, or reset when that is nil (its options are not known to be whole), or freed when the pool is
    /// full.
    mutating func give(back easy: UnsafeMutableRawPointer, setUpFor setup: CurlHandleSetup?) {
        guard idle.count < capacity else { return curl_easy_cleanup(easy) }
        if setup == nil {
            curl_easy_reset(easy)
        } else {
            CurlEasyConfiguration.detach(easy)
        }
        idle.append((easy, setup))
    }

    /// Frees every idle handle.
    mutating func drain() {
        for (easy, _) in idle { curl_easy_cleanup(easy) }
        idle = []
    }
}

/// What makes one transfer's handle fit another without a reset: every option `CurlEasyConfiguration` sets once
/// for a channel. Two requests with the same setup differ only in the options set for each transfer.
struct CurlHandleSetup: Hashable {
    enum Exchange: Hashable {
        /// Whether there is a body is part of it: a body's copy stays on the handle until the next replaces it.
        case http(method: String, url: String, hasBody: Bool)
        case smtp(url: String, mailFrom: String, startTLS: SMTPTransport.StartTLS, username: String?, password: String?)
    }

    var exchange: Exchange
    var timeout: TimeInterval
    var connectTimeout: TimeInterval
    var tls: TLSSettings

    init(_ request: CurlRequest) {
        switch request.kind {
        case .http(let http):
            exchange = .http(method: http.method, url: http.url, hasBody: http.body != nil)
        case .smtp(let smtp):
            exchange = .smtp(
                url: smtp.url, mailFrom: smtp.mailFrom, startTLS: smtp.startTLS, username: smtp.username,
                password: smtp.password)
        }
        timeout = request.timeout
        connectTimeout = request.connectTimeout
        tls = request.tls
    }
}
