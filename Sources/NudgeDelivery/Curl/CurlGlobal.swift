import CCurl

/// libcurl's process-wide setup, which is not thread-safe and must happen once before any handle is made.
enum CurlGlobal {
    /// Swift runs a global's initializer exactly once, whichever thread gets there first.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    static func initialize() {
        _ = initialized
    }
}
