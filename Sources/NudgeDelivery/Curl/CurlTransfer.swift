import CCurl

/// One transfer in flight: the bytes libcurl reads and writes through the callbacks, the C lists and error
/// buffer its options point to, and the job to answer. Used on the loop thread only; the worker holds it until
/// the transfer's handle is back in the pool, its pointers into the transfer taken back, so every pointer libcurl
/// has into it stays valid.
final class CurlTransfer {
    let job: CurlJob
    /// The channel options the handle was set up with.
    let setup: CurlHandleSetup
    /// Protocol replies and response headers as libcurl passed them, each line without its line break and
    /// followed by one LF (a line libcurl passes never holds an LF of its own).
    private(set) var headerBytes: [UInt8] = []
    private var headerLineCount = 0
    /// The HTTP response body, up to `maximumBody` bytes.
    private(set) var body: [UInt8] = []
    /// libcurl's own explanation of a failure (`CURLOPT_ERRORBUFFER`).
    let errorBuffer: UnsafeMutablePointer<CChar>
    private var payload: [UInt8] = []
    private var payloadOffset = 0
    private var lists: [UnsafeMutablePointer<curl_slist>] = []

    /// Responses are for classification and logs; a gateway that answers more is not kept in memory.
    static let maximumBody = 1 << 20

    init(job: CurlJob, setup: CurlHandleSetup) {
        self.job = job
        self.setup = setup
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// The text libcurl wrote into the error buffer, if any.
    var errorText: String { String(cString: errorBuffer) }

    /// Bytes the read callback hands to libcurl (the SMTP message).
    func upload(_ bytes: [UInt8]) {
        payload = bytes
        payloadOffset = 0
    }

    /// A C string list (`CURLOPT_MAIL_RCPT`, `CURLOPT_HTTPHEADER`) freed with the transfer; nil for no items.
    func list(_ items: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in items {
            guard let next = curl_slist_append(head, item) else { continue }
            head = next
        }
        if let head { lists.append(head) }
        return head
    }

    /// The read callback's work: copies the next payload bytes into libcurl's buffer; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, payload.count - payloadOffset)
        guard count > 0 else { return 0 }
        payload.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + payloadOffset, byteCount: count)
        }
        payloadOffset += count
        return count
    }

    /// The write callback's work: keeps response body bytes (up to the limit); returns `count` to go on.
    func write(_ bytes: UnsafePointer<CChar>, count: Int) -> Int {
        let room = max(0, Self.maximumBody - body.count)
        if room > 0 {
            UnsafeRawPointer(bytes).withMemoryRebound(to: UInt8.self, capacity: count) { start in
                body.append(contentsOf: UnsafeBufferPointer(start: start, count: min(room, count)))
            }
        }
        return count
    }

    /// The protocol reply and header lines, in order.
    var headerLines: [String] {
        headerBytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The header callback's work: keeps one header or protocol reply line, without its line break, in
    /// `headerBytes` (no string per line: an HTTP answer brings half a dozen, and most are never read).
    func header(_ bytes: UnsafePointer<CChar>, count: Int) -> Int {
        if headerLineCount < 1000 {
            UnsafeRawPointer(bytes).withMemoryRebound(to: UInt8.self, capacity: count) { start in
                var length = count
                while length > 0, start[length - 1] == UInt8(ascii: "\n") || start[length - 1] == UInt8(ascii: "\r") {
                    length -= 1
                }
                headerBytes.append(contentsOf: UnsafeBufferPointer(start: start, count: length))
                headerBytes.append(UInt8(ascii: "\n"))
            }
            headerLineCount += 1
        }
        return count
    }
}
