import SoakModel
import Foundation

/// One message about a leak episode, as the outbox stores it and a notifier delivers it.
///
/// The notification freezes the finding at the moment the daemon decided to send it; notifiers
/// render their own wire format from it at delivery time, so a payload stored before a restart
/// is delivered with the code that runs after it.
public struct AlertNotification: Codable, Sendable, Hashable {
    /// The episode as it was when the notification was decided.
    public var finding: LeakFinding
    /// When the daemon decided to send it.
    public var createdAt: Date

    public init(finding: LeakFinding, createdAt: Date) {
        self.finding = finding
        self.createdAt = createdAt
    }

    /// The episode identity shared by every notification about it.
    public var dedupeKey: String { finding.dedupeKey }
    /// Firing or resolved.
    public var state: AlertState { finding.state }

    /// The JSON the outbox stores and the exec hook receives on stdin: sorted keys, RFC 3339
    /// times with milliseconds, so equal notifications have equal bytes.
    public func encoded() throws -> Data {
        try AlertJSON.encoder().encode(self)
    }

    /// Reads a stored payload back.
    public static func decode(_ data: Data) throws -> AlertNotification {
        try AlertJSON.decoder().decode(AlertNotification.self, from: data)
    }
}

/// The JSON conventions shared by stored payloads and the hooks' bodies.
enum AlertJSON {
    /// Sorted keys, no escaped slashes (links stay readable), RFC 3339 dates with milliseconds.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }
}
