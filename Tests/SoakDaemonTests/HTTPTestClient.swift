import CCurl
import Foundation

/// A blocking libcurl GET for the HTTP surface tests: status, response headers and body.
///
/// Runs on its own thread (as the alert client does) so a hanging server cannot starve the
/// cooperative pool the server itself runs on.
enum HTTPTestClient {
    struct Response: Sendable {
        var status: Int
        /// Header names lowercased; the last value wins.
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var code: Int
        var message: String
        var description: String { "curl error \(code): \(message)" }
    }

    static func get(_ url: String, headers: [String] = []) async throws -> Response {
        try await request(url, headers: headers, formBody: nil)
    }

    /// A POST with an `application/x-www-form-urlencoded` body (how Grafana sends queries).
    static func post(_ url: String, form: String, headers: [String] = []) async throws -> Response {
        try await request(url, headers: headers + ["Content-Type: application/x-www-form-urlencoded"], formBody: form)
    }

    private static func request(_ url: String, headers: [String], formBody: String?) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: perform(url: url, headers: headers, formBody: formBody)) }
            thread.name = "http-test-client"
            thread.start()
        }
    }

    private final class Sink {
        var body: [UInt8] = []
        var headerLines: [String] = []
    }

    private static func perform(url: String, headers: [String], formBody: String?) -> Result<Response, Failure> {
        guard let handle = curl_easy_init() else { return .failure(Failure(code: -1, message: "curl_easy_init")) }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers { list = curl_slist_append(list, header) }
        let sink = Sink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        _ = soak_curl_easy_setopt_string(handle, CURLOPT_URL, url)
        if let formBody { _ = soak_curl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, formBody) }
        _ = soak_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = soak_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, 10_000)
        _ = soak_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = soak_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            if let data {
                data.withMemoryRebound(to: UInt8.self, capacity: size * count) {
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size * count))
                }
            }
            return size * count
        }
        _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        _ = soak_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            if let data {
                let bytes = data.withMemoryRebound(to: UInt8.self, capacity: size * count) {
                    Array(UnsafeBufferPointer(start: $0, count: size * count))
                }
                sink.headerLines.append(String(decoding: bytes, as: UTF8.self))
            }
            return size * count
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            return .failure(Failure(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        _ = soak_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var parsed: [String: String] = [:]
        for line in sink.headerLines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            parsed[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .success(Response(status: status, headers: parsed, body: sink.body))
    }
}
