import CCurl

/// Sends one HTTP request (any method, with a body) with libcurl's easy interface, on
/// ``BlockingWork``'s thread: what alert hooks deliver with.
///
/// `curl_easy_perform` blocks for up to the request's timeout; running it on Swift's cooperative
/// pool (two threads on a two-core machine) would stall every other task behind a down receiver.
///
/// TLS peer and host verification stay on (libcurl's default); only `http` and `https` are
/// allowed and redirects are not followed, so a configured URL cannot be bent into reading
/// local files or sending credentials elsewhere.
public struct CurlHTTPClient: Sendable {
    public init() {}

    /// The most response body kept; error messages need only its start.
    static let maxBodyBytes = 64 * 1024

    /// Runs `request`, suspending the caller until it finishes.
    public func send(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPFailure> {
        await BlockingWork.run { CurlHTTPClient.perform(request) }
    }

    /// The blocking exchange; called on a thread that may block.
    static func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPFailure> {
        CurlGlobal.ensureInitialized()
        let url = CredentialRedactor.redactURL(request.url)
        guard let handle = curl_easy_init() else {
            return .failure(HTTPFailure(kind: .transport, message: "curl_easy_init failed", url: url))
        }
        defer { curl_easy_cleanup(handle) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl adds `Expect: 100-continue` for bodies over 1 KiB; receivers that do not
        // answer it cost a one-second stall per delivery.
        headerList = curl_slist_append(headerList, "Expect:")

        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        // One spare byte keeps the buffer's address non-nil for an empty body.
        let bodyStorage = request.body + [0]
        let code: CURLcode = bodyStorage.withUnsafeBytes { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                _ = soak_curl_easy_setopt_string(handle, CURLOPT_URL, request.url)
                _ = soak_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
                _ = soak_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                _ = soak_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
                _ = soak_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(request.timeoutSeconds))
                _ = soak_curl_easy_setopt_long(
                    handle, CURLOPT_CONNECTTIMEOUT_MS,
                    milliseconds(min(request.connectTimeoutSeconds, request.timeoutSeconds)))
                _ = soak_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
                _ = soak_curl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
                if let caFile = request.caFile {
                    _ = soak_curl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)
                }
                if let auth = request.basicAuth {
                    _ = soak_curl_easy_setopt_string(handle, CURLOPT_USERNAME, auth.username)
                    _ = soak_curl_easy_setopt_string(handle, CURLOPT_PASSWORD, auth.password)
                }
                _ = soak_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
                switch request.method {
                case "GET":
                    _ = soak_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
                case "POST":
                    _ = soak_curl_easy_setopt_long(handle, CURLOPT_POST, 1)
                default:
                    _ = soak_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
                }
                if request.method != "GET" {
                    // The size first: COPYPOSTFIELDS copies exactly that many bytes (binary-safe).
                    _ = soak_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
                    _ = soak_curl_easy_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress!))
                }
                _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque())
                _ = soak_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                    let length = size * count
                    if let data, sink.bytes.count < CurlHTTPClient.maxBodyBytes {
                        let keep = min(length, CurlHTTPClient.maxBodyBytes - sink.bytes.count)
                        data.withMemoryRebound(to: UInt8.self, capacity: keep) {
                            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: keep))
                        }
                    }
                    return length
                }
                return curl_easy_perform(handle)
            }
        }

        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let kind: HTTPFailure.Kind = code == CURLE_OPERATION_TIMEDOUT ? .timeout : .transport
            return .failure(HTTPFailure(kind: kind, message: message, url: url))
        }
        var status = 0
        _ = soak_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: sink.bytes))
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded()))
    }
}

/// Collects the response body inside libcurl's write callback (one thread, no sharing).
private final class ResponseSink {
    var bytes: [UInt8] = []
}
