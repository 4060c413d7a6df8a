import Foundation

extension OpenStackError {
    /// Builds the error for an HTTP error answer, taking the server's own message from
    /// its body: Nova's `{"badRequest": {"message": ...}}` family (`forbidden`, `overLimit`,
    /// `itemNotFound`, `computeFault`, `conflictingRequest`, ...), Keystone's
    /// `{"error": {"message": ...}}`, Neutron's `{"NeutronError": {"message": ...}}`,
    /// Glance's plain text/HTML, or a bare `{"message": ...}`.
    public static func fromResponse(status: Int, service: String, requestID: String?, body: [UInt8]) -> OpenStackError {
        let serverMessage = serverMessage(in: body)
        let code: Code
        switch status {
        case 400: code = .badRequest
        case 401: code = service == "identity" ? .authenticationFailed : .unauthorized
        case 404: code = .notFound
        case 409: code = .conflict
        case 413, 429: code = .overLimit
        default: code = .http
        }
        let message = serverMessage ?? "\(service) answered HTTP \(status) with no message"
        return OpenStackError(code: code, message: message, status: status, service: service, requestID: requestID)
    }

    /// The message an OpenStack service put in an error body, verbatim, or nil.
    public static func serverMessage(in body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let message = object["message"] as? String { return message }
            // {"badRequest": {"message": "...", "code": 400}}, {"error": {...}}, {"NeutronError": {...}}
            for key in object.keys.sorted() {
                if let inner = object[key] as? [String: Any], let message = inner["message"] as? String {
                    return message
                }
            }
            if let inner = object["NeutronError"] as? String { return inner }
            if let errors = object["errors"] as? [[String: Any]], let first = errors.first,
               let detail = (first["detail"] as? String) ?? (first["title"] as? String) {
                return detail
            }
        }
        let text = String(decoding: body.prefix(2_000), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
