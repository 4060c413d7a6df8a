import Foundation

/// The OpenStack service a request addressed; it decides the shape of error bodies.
enum Service: String, Sendable { case identity, compute, network, image, metadata, root }

/// A request as the handlers see it: path split into components below the service prefix.
struct APIRequest: Sendable {
    var method: String
    var service: Service
    /// Path components after the service prefix, e.g. `["v2.1", "servers", "ID"]`.
    var path: [String]
    var query: [String: String]
    var headers: [String: String]     // lowercased names
    var body: Data
    /// The compute microversion asked for (2.1 when none).
    var microversion: Microversion = .base

    /// The body as a JSON object, or a 400 fault in the service's own shape.
    func jsonObject() throws -> [String: Any] {
        guard !body.isEmpty, let object = try? JSONSerialization.jsonObject(with: body), let dictionary = object as? [String: Any] else {
            throw APIFault(service, 400, "Malformed request body: a JSON object was expected.")
        }
        return dictionary
    }

    /// Decodes the body, or throws a 400 in the service's own shape.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONDecoder().decode(type, from: body) } catch {
            throw APIFault(service, 400, "Invalid input for request body: \(describe(error))")
        }
    }
}

/// A compute API microversion (`2.N`).
struct Microversion: Comparable, Sendable, CustomStringConvertible {
    var minor: Int
    static let base = Microversion(minor: 1)
    static let maximum = Microversion(minor: 90)
    init(minor: Int) { self.minor = minor }
    /// Parses `2.N` or `latest`; nil otherwise.
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "latest" { self = .maximum; return }
        let parts = trimmed.split(separator: ".")
        guard parts.count == 2, parts[0] == "2", let minor = Int(parts[1]) else { return nil }
        self.minor = minor
    }
    static func < (a: Self, b: Self) -> Bool { a.minor < b.minor }
    var description: String { "2.\(minor)" }
}

/// A response: status, extra headers, and a body.
struct APIResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: Data = Data()
    var contentType = "application/json"

    /// A JSON response from an encodable value.
    static func json<T: Encodable>(_ value: T, status: Int = 200, snakeCase: Bool = false) -> APIResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(openStackTime(date))
        }
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        // Encoding our own models cannot fail; an empty object is the fallback.
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return APIResponse(status: status, body: body)
    }

    /// A JSON response from a JSONSerialization object.
    static func object(_ value: [String: Any], status: Int = 200) -> APIResponse {
        let body = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return APIResponse(status: status, body: body)
    }

    /// An empty response.
    static func empty(_ status: Int) -> APIResponse { APIResponse(status: status, contentType: "") }
}

/// Times as OpenStack prints them: `2026-11-29T04:05:57Z`.
func openStackTime(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

/// A short description of a decoding error for a 400 message.
func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is a required property"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
    default: return "the JSON could not be read"
    }
}

/// An error response in the addressed service's own format (api-ref):
/// Nova `{"itemNotFound": {"code": 404, "message": ...}}`, Neutron `{"NeutronError": ...}`,
/// Keystone/keystonemiddleware `{"error": {"code", "title", "message"}}`, Glance plain text.
struct APIFault: Error, Sendable {
    var service: Service
    var status: Int
    var message: String
    var neutronType: String?
    var retryAfter: Int?

    init(_ service: Service, _ status: Int, _ message: String, neutronType: String? = nil, retryAfter: Int? = nil) {
        self.service = service
        self.status = status
        self.message = message
        self.neutronType = neutronType
        self.retryAfter = retryAfter
    }

    /// The 401 keystonemiddleware returns for a missing, unknown or expired token.
    static func unauthorized(_ service: Service) -> APIFault {
        APIFault(.identity, 401, "The request you have made requires authentication.")
    }

    var response: APIResponse {
        var response: APIResponse
        switch service {
        case .compute:
            let names = [400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
                         409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit", 501: "notImplemented"]
            var inner: [String: Any] = ["code": status, "message": message]
            if let retryAfter { inner["retryAfter"] = String(retryAfter) }
            response = .object([names[status] ?? "computeFault": inner], status: status)
        case .network:
            response = .object(["NeutronError": ["type": neutronType ?? Self.neutronTypes[status] ?? "NeutronError", "message": message, "detail": ""]], status: status)
        case .image:
            let reason = Self.reasons[status] ?? "Error"
            response = APIResponse(status: status, body: Data("\(status) \(reason)\n\n\(message)\n\n   ".utf8), contentType: "text/plain; charset=UTF-8")
        case .identity, .metadata, .root:
            response = .object(["error": ["code": status, "title": Self.reasons[status] ?? "Error", "message": message]], status: status)
        }
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        if status == 401 { response.headers.append(("WWW-Authenticate", "Keystone uri=\"/identity\"")) }
        return response
    }

    static let reasons = [400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                          406: "Not Acceptable", 409: "Conflict", 413: "Request Entity Too Large", 429: "Too Many Requests", 500: "Internal Server Error"]
    static let neutronTypes = [400: "HTTPBadRequest", 403: "HTTPForbidden", 404: "HTTPNotFound", 409: "HTTPConflict", 413: "OverQuota", 429: "HTTPTooManyRequests"]
}
