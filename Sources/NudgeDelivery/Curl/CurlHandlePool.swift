import CCurl

/// Easy handles kept for reuse once their transfer ends, reset to libcurl's defaults. Used on the loop thread
/// only. A reused handle keeps its DNS and TLS session caches; open connections live in the multi handle.
struct CurlHandlePool {
    private var idle: [UnsafeMutableRawPointer] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// An idle handle, or a new one; nil only when libcurl cannot create one.
    mutating func take() -> UnsafeMutableRawPointer? {
        if let easy = idle.popLast() { return easy }
        CurlGlobal.initialize()
        return curl_easy_init()
    }

    /// Takes a handle back (already out of the multi handle): reset for the next transfer, or freed when the
    /// pool is full. The reset also drops every pointer into the finished transfer's buffers.
    mutating func give(back easy: UnsafeMutableRawPointer) {
        curl_easy_reset(easy)
        if idle.count < capacity {
            idle.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    /// Frees every idle handle.
    mutating func drain() {
        for easy in idle { curl_easy_cleanup(easy) }
        idle = []
    }
}
