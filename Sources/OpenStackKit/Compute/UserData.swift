import Foundation

/// Nova's `user_data`: base64-encoded, at most 65,535 bytes once encoded. Checked
/// before anything is sent, with an error that says how big it is.
public enum UserData {
    /// The largest encoded size Nova accepts.
    public static let maximumEncodedBytes = 65_535

    /// The base64 text for `raw`, or `userDataTooLarge` when it would exceed the limit.
    public static func encode(_ raw: [UInt8]) throws -> String {
        let encoded = Data(raw).base64EncodedString()
        try check(encodedLength: encoded.utf8.count, rawLength: raw.count)
        return encoded
    }

    /// Throws `userDataTooLarge` when `encoded` (already base64) exceeds the limit.
    public static func check(encoded: String) throws {
        try check(encodedLength: encoded.utf8.count, rawLength: nil)
    }

    static func check(encodedLength: Int, rawLength: Int?) throws {
        guard encodedLength > maximumEncodedBytes else { return }
        let raw = rawLength.map { " (\(grouped($0)) bytes before encoding)" } ?? ""
        throw OpenStackError(
            code: .userDataTooLarge,
            message: "user_data is \(grouped(encodedLength)) bytes base64-encoded\(raw); Nova accepts at most \(grouped(maximumEncodedBytes)) encoded bytes (at most 49,149 bytes before encoding). Make it smaller: gzip it (cloud-init accepts gzip) or have the VM fetch the rest from object storage",
            service: "compute")
    }

    /// `70000` -> `70,000` (fixed, whatever the locale).
    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }
}
