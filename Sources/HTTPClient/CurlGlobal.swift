import CCurl

/// libcurl's process-wide initialisation, done once before the first handle is made: the one
/// `curl_global_init` of the program (scrapes, discovery, alert hooks, evidence all come here).
/// (`curl_global_init` is thread-safe from libcurl 7.84; the lazy static guards older ones.)
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    static func ensureInitialized() { _ = initialized }

    /// `CURLOPT_WRITEFUNCTION` for every ``CurlTransfer``: appends to the transfer's body and returns 0
    /// (which makes libcurl abort with CURLE_WRITE_ERROR) once the body limit would be exceeded.
    static let writeBody: soak_curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        guard transfer.body.count + length <= transfer.settings.bodyLimitBytes else {
            transfer.bodyLimitExceeded = true
            return 0
        }
        if let data, length > 0 {
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: length))
        }
        return length
    }
}
